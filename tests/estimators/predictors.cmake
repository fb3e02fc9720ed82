# The prediction estimators (SP 800-90B 6.3.7-6.3.10): hand-checked cases, a
# brute-force reimplementation, and values printed by NIST's ea_non_iid.
mb_add_test(test_predictors ${CMAKE_CURRENT_LIST_DIR}/test_predictors.c TIMEOUT 300)
