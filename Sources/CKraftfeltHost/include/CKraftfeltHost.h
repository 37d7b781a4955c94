/* What the host needs from the OS that Swift cannot call directly (variadic C). */
#ifndef CKRAFTFELTHOST_H
#define CKRAFTFELTHOST_H

/* Asks the kernel to kill this process (SIGKILL) when its parent dies, so a worker stuck
   in a loop never outlives the host. Returns 0 on success (or where unsupported). */
int kf_die_with_parent(void);

/* Loops for ever without returning: the tests' stand-in for C code no limit sees. */
void kf_test_spin(void);

#endif
