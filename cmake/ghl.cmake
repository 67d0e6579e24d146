# ghl_add_test(NAME SOURCES a.cc b.cc LIBS x y LABELS unit|integration|conformance
#              [ENV K=V ...] [TIMEOUT s])
# One gtest binary per test file group; tests are discovered per binary so
# ctest -L <label> selects a whole layer.
function(ghl_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "GHL_SOURCE_DIR=${PROJECT_SOURCE_DIR};GHL_BINARY_DIR=${PROJECT_BINARY_DIR};${T_ENV}")
endfunction()
