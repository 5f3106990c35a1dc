# SPDX-License-Identifier: MIT
# Run at every build (cmake -P): writes OUT, the definition of gops_version
# ("PROJECT_VERSION+<git describe>"), only when the text changes, so a new commit or edit
# recompiles that one file and a long-lived build tree never reports an old commit.
#   cmake -DPROJECT_VERSION=0.1.0 -DSOURCE_DIR=... -DOUT=.../version.c -P version.cmake
execute_process(COMMAND git describe --always --dirty --tags
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE git OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
set(version ${PROJECT_VERSION})
if(git)
  set(version "${version}+${git}")
endif()
file(WRITE ${OUT}.new "// Generated at build time by cmake/version.cmake: do not edit.\n"
                      "#include \"core/version.h\"\n\n"
                      "const char gops_version[] = \"${version}\";\n")
configure_file(${OUT}.new ${OUT} COPYONLY)
