# Test helpers shared by every tests/*/CMakeLists.txt.
#
# cc_unit_test(NAME SOURCES s.c... LIBS t... [LABELS l...])
#   builds a cmocka executable and registers it (label "unit" by default).
# cc_py_test(NAME SCRIPT path ARGS ... [LABELS l...])
#   runs a Python harness with the build's bin/ in CC_BIN and the source
#   tree in CC_SRC; harnesses prefix the binaries they exec with $CC_WRAP
#   (set by scripts/test.sh to run them under valgrind). CLOUDCRON_NOW fixes
#   the "now" of the schedule warnings, so their output does not age.

function(cc_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_test(NAME ${name} COMMAND ${CMAKE_SOURCE_DIR}/scripts/wrap.sh $<TARGET_FILE:${name}>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
endfunction()

function(cc_py_test name)
  cmake_parse_arguments(T "" "SCRIPT" "ARGS;LABELS;DEPENDS" ${ARGN})
  add_test(NAME ${name} COMMAND ${Python3_EXECUTABLE} ${T_SCRIPT} ${T_ARGS}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}"
    ENVIRONMENT "CC_BIN=${CMAKE_BINARY_DIR}/bin;CC_SRC=${CMAKE_SOURCE_DIR};CC_BUILD=${CMAKE_BINARY_DIR};CLOUDCRON_NOW=2026-06-01T00:00:00Z")
endfunction()
