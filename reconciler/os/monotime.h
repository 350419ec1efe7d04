#ifndef SBXAPPLY_OS_MONOTIME_H
#define SBXAPPLY_OS_MONOTIME_H
/* The monotonic clock, for durations, timeouts and rates (never the wall clock). */

long long monotime_ms(void);
double monotime_s(void);

#endif
