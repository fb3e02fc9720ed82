# mb_assess, the entropic estimators, mebench assess, the reference fixtures
# and the fuzz corpus replay.
mb_add_test(test_entropic test_entropic.c)
mb_add_test(test_assess test_assess.c TIMEOUT 120)
mb_add_test(test_cmd_assess test_cmd_assess.c TIMEOUT 120)

add_executable(test_fixtures test_fixtures.c)
target_link_libraries(test_fixtures PRIVATE mebench_core)
target_include_directories(test_fixtures PRIVATE ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(test_fixtures PRIVATE MB_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
mb_target_setup(test_fixtures)
file(GLOB mb_fixtures RELATIVE ${CMAKE_SOURCE_DIR}/tests/data/estimators
     ${CMAKE_SOURCE_DIR}/tests/data/estimators/*/expected.json)
foreach(f ${mb_fixtures})
  get_filename_component(case ${f} DIRECTORY)
  set(args ${case})
  # Two fixtures also check that 1 and 2 threads give identical results.
  if(case STREQUAL "small" OR case STREQUAL "timing")
    list(APPEND args --threads-check)
  endif()
  add_test(NAME fixture_${case} COMMAND test_fixtures ${args})
  set_tests_properties(fixture_${case} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77
                       LABELS estimators)
endforeach()

# The mb_assess fuzz target (tests/fuzz/fuzz_assess.c): its corpus is
# replayed by a normal build (and so under the sanitizers); with MB_FUZZ=ON
# (clang) it is also built as a libFuzzer binary, fuzz_assess.
add_executable(fuzz_assess_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_assess.c)
target_link_libraries(fuzz_assess_replay PRIVATE mebench_core)
mb_target_setup(fuzz_assess_replay)
add_test(NAME fuzz_assess_corpus
         COMMAND fuzz_assess_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/assess)
set_tests_properties(fuzz_assess_corpus PROPERTIES TIMEOUT 300 LABELS fuzz)
if(MB_FUZZ)
  # Coverage feedback needs the library under test instrumented too.
  target_compile_options(mebench_core PRIVATE -fsanitize=fuzzer-no-link)
  add_executable(fuzz_assess ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_assess.c)
  target_link_libraries(fuzz_assess PRIVATE mebench_core)
  target_compile_definitions(fuzz_assess PRIVATE MB_LIBFUZZER)
  target_compile_options(fuzz_assess PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_assess PRIVATE -fsanitize=fuzzer)
  mb_target_setup(fuzz_assess)
endif()
