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

# The IID track and the health tests: unit cases, then agreement with ea_iid
# on each fixture of tests/data/iid (make_iid_fixtures.py).
mb_add_test(test_iid test_iid.c TIMEOUT 300)
file(GLOB mb_iid_fixtures RELATIVE ${CMAKE_SOURCE_DIR}/tests/data/iid
     ${CMAKE_SOURCE_DIR}/tests/data/iid/*/expected.json)
foreach(f ${mb_iid_fixtures})
  get_filename_component(case ${f} DIRECTORY)
  add_test(NAME iid_${case} COMMAND test_iid ${case})
  set_tests_properties(iid_${case} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77
                       LABELS estimators)
endforeach()

# The restart tests against ea_restart (make_restart_fixtures.py).
mb_add_test(test_restart test_restart.c TIMEOUT 300 LABELS estimators)

# The compression statistic's bzip2 length (bz2len.c) against libbz2.
if(BZip2_FOUND)
  mb_add_test(test_bz2len test_bz2len.c TIMEOUT 900 LABELS estimators)
  target_link_libraries(test_bz2len PRIVATE BZip2::BZip2)
endif()
