#include "cc/err.h"

const char *cc_strerror(int code) {
  switch (code) {
  case CC_OK: return "success";
  case CC_ERR: return "failed";
  case CC_ENOMEM: return "out of memory";
  case CC_ETOOBIG: return "size limit exceeded";
  case CC_EINVAL: return "invalid input";
  case CC_EIO: return "input/output error";
  case CC_ENOTFOUND: return "not found";
  case CC_ELIMIT: return "limit exceeded";
  case CC_ETIMEOUT: return "timed out";
  case CC_ENET: return "network error";
  case CC_EREMOTE: return "remote service error";
  case CC_ECONFLICT: return "conflict";
  case CC_ETHROTTLED: return "throttled";
  case CC_EQUOTA: return "quota exceeded";
  default: return "unknown error";
  }
}
