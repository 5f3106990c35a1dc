scenario("smoke")
