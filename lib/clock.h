/* Monotonic time, for deadlines and expiry in this process; and the wall
 * clock, for expiry kept in a file, which outlives a reboot (after which
 * the monotonic clock starts again from zero). */
#ifndef GG_CLOCK_H
#define GG_CLOCK_H

long long clock_now_ms(void);
long long clock_wall_ms(void);

#endif
