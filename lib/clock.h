/* Monotonic time, for deadlines and expiry. */
#ifndef GG_CLOCK_H
#define GG_CLOCK_H

long long clock_now_ms(void);

#endif
