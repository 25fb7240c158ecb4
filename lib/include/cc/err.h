/* cc/err.h: error codes shared by every layer.
 *
 * Functions that can fail return an int: 0 (CC_OK) on success, a negative
 * CC_E* code on an expected failure. Programming errors are asserted, not
 * returned. */
#ifndef CC_ERR_H
#define CC_ERR_H

enum {
  CC_OK = 0,
  CC_ERR = -1,       /* generic failure; details went to a cc_diags */
  CC_ENOMEM = -2,    /* allocation failed */
  CC_ETOOBIG = -3,   /* a hard size ceiling was reached */
  CC_EINVAL = -4,    /* invalid input */
  CC_EIO = -5,       /* reading or writing a file failed (errno is kept) */
  CC_ENOTFOUND = -6, /* a named thing does not exist */
  CC_ELIMIT = -7,    /* a configured limit (iterations, depth) was exceeded */
  CC_ETIMEOUT = -8,  /* a deadline passed */
  CC_ENET = -9,      /* a network transfer failed */
  CC_EREMOTE = -10,  /* a remote service answered with an error */
  CC_ECONFLICT = -11, /* the thing exists already, or changed under us */
  CC_ETHROTTLED = -12, /* a service kept refusing for throttling, retries included */
  CC_EQUOTA = -13    /* a service quota was reached */
};

/* Returns a static, human-readable description of CODE; never NULL. */
const char *cc_strerror(int code);

#endif
