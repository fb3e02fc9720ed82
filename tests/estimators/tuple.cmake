mb_add_test(test_tuple test_tuple.c TIMEOUT 120)
