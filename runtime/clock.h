/* clock.h: the runtime's one clock (rt_ internal).
 *
 * Every reading of the time and every sleep in the runtime goes through
 * these: deadlines and timestamps in epoch milliseconds from the real-time
 * clock (Lambda hands deadlines so), SigV4's X-Amz-Date, and log stamps. */
#ifndef RT_CLOCK_H
#define RT_CLOCK_H

/* Epoch milliseconds from the real-time clock. */
long long rt_now_ms(void);
/* Sleeps ms milliseconds, through signals; nothing for ms <= 0. */
void rt_sleep_ms(long ms);
/* The current UTC time as YYYYMMDDTHHMMSSZ (X-Amz-Date) into out[17]. */
void rt_aws_date_now(char out[17]);
/* The current UTC time as YYYY-MM-DDTHH:MM:SS.mmmZ into out[25]. */
void rt_utc_stamp(char out[25]);
#endif
