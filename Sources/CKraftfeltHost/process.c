#include "CKraftfeltHost.h"

#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

int kf_die_with_parent(void) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, SIGKILL);
#else
    return 0;
#endif
}

void kf_test_spin(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
}
