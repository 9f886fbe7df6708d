/*
 * vizor_smb: a synchronous N-API binding over libsmbclient for random-access reads.
 *
 * One handle owns one SMBCCTX and is used from one thread only (a Node worker). Debian's
 * libsmbclient does not export smbc_thread_posix(), so its internals (talloc stack
 * frames, loadparm, debug state) are process-global and unprotected: every libsmbclient
 * call below runs under one process-wide mutex (vz_lock). The configuration is loaded
 * once from the private file the caller names; per-target settings are context options.
 * Errors are thrown as JS errors carrying `errno`; the caller maps them to codes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libsmbclient.h>
#include <node_api.h>

#define VZ_MAX_FILES 64
#define VZ_MAX_READ (64 * 1024 * 1024)
#define VZ_ATTR_DIRECTORY 0x10

typedef struct {
  SMBCCTX *ctx;
  char *workgroup;
  char *user;
  char *password;
  SMBCFILE *files[VZ_MAX_FILES];
} vz_handle;

static pthread_mutex_t vz_lock = PTHREAD_MUTEX_INITIALIZER;
static int vz_global_ready = 0;

#define CALL(env, expr)                                                        \
  do {                                                                         \
    if ((expr) != napi_ok) {                                                   \
      napi_throw_error((env), NULL, "vizor_smb: N-API call failed: " #expr);   \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Throws an Error "<op> failed: <strerror>" with `errno` set; the caller adds the URL. */
static napi_value throw_errno(napi_env env, const char *op, int err) {
  char buf[512], reason[256];
  const char *text = strerror_r(err, reason, sizeof reason);
  snprintf(buf, sizeof buf, "%s failed: %s", op, text);
  napi_value msg, error, code;
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &error);
  napi_create_int32(env, err, &code);
  napi_set_named_property(env, error, "errno", code);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

/* Copies a JS string argument into a malloc'ed C string (NULL on failure, error thrown). */
static char *get_string(napi_env env, napi_value value) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    throw_type(env, "vizor_smb: expected a string");
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) return NULL;
  napi_get_value_string_utf8(env, value, s, len + 1, &len);
  return s;
}

static char *get_prop_string(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return NULL;
  return get_string(env, v);
}

static int64_t get_prop_int(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  int64_t n = 0;
  napi_get_named_property(env, obj, name, &v);
  napi_get_value_int64(env, v, &n);
  return n;
}

static void wipe_free(char *s) {
  if (s) {
    explicit_bzero(s, strlen(s));
    free(s);
  }
}

/* Hands libsmbclient the credentials of the handle that owns this context. */
static void auth_fn(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen,
                    char *un, int unlen, char *pw, int pwlen) {
  (void)srv;
  (void)shr;
  vz_handle *h = smbc_getOptionUserData(c);
  if (!h) return;
  if (h->workgroup[0]) snprintf(wg, wglen, "%s", h->workgroup);
  snprintf(un, unlen, "%s", h->user);
  snprintf(pw, pwlen, "%s", h->password);
}

static void discard_log(void *priv, int level, const char *msg) {
  (void)priv;
  (void)level;
  (void)msg;
}

/* Loads the private client configuration once per process; the caller holds vz_lock. */
static int global_init(SMBCCTX *ctx, const char *config_file) {
  int rc = 0;
  if (!vz_global_ready) {
    smbc_setLogCallback(ctx, NULL, discard_log);
    if (smbc_setConfiguration(ctx, config_file) != 0) rc = errno ? errno : ENOENT;
    else if (!smbc_setOptionProtocols(ctx, "SMB2_02", "SMB3")) rc = EINVAL;
    else vz_global_ready = 1;
  }
  return rc;
}

static void handle_free(vz_handle *h) {
  if (!h) return;
  if (h->ctx) {
    pthread_mutex_lock(&vz_lock);
    smbc_close_fn close_fn = smbc_getFunctionClose(h->ctx);
    for (int i = 0; i < VZ_MAX_FILES; i++)
      if (h->files[i]) close_fn(h->ctx, h->files[i]);
    smbc_free_context(h->ctx, 1);
    pthread_mutex_unlock(&vz_lock);
    h->ctx = NULL;
  }
  wipe_free(h->password);
  h->password = NULL;
  free(h->user);
  h->user = NULL;
  free(h->workgroup);
  h->workgroup = NULL;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_free(data);
  free(data);
}

static vz_handle *get_handle(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || !data || !((vz_handle *)data)->ctx) {
    throw_type(env, "vizor_smb: closed or invalid handle");
    return NULL;
  }
  return data;
}

static SMBCFILE *get_file(napi_env env, vz_handle *h, napi_value value, int32_t *slot) {
  napi_get_value_int32(env, value, slot);
  if (*slot < 0 || *slot >= VZ_MAX_FILES || !h->files[*slot]) {
    throw_errno(env, "file handle lookup", EBADF);
    return NULL;
  }
  return h->files[*slot];
}

/* create({configFile, port, workgroup, user, password, signing, timeoutMs}) -> handle */
static napi_value vz_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_type(env, "vizor_smb.create: options required");
  vz_handle *h = calloc(1, sizeof *h);
  if (!h) return throw_errno(env, "init", ENOMEM);
  char *config = get_prop_string(env, argv[0], "configFile");
  char *signing = get_prop_string(env, argv[0], "signing");
  h->workgroup = get_prop_string(env, argv[0], "workgroup");
  h->user = get_prop_string(env, argv[0], "user");
  h->password = get_prop_string(env, argv[0], "password");
  if (!config || !signing || !h->workgroup || !h->user || !h->password) {
    free(config);
    free(signing);
    handle_free(h);
    free(h);
    return NULL;
  }
  int require_signing = strcmp(signing, "if-required") != 0;
  uint16_t port = (uint16_t)get_prop_int(env, argv[0], "port");
  int timeout_ms = (int)get_prop_int(env, argv[0], "timeoutMs");
  free(signing);

  pthread_mutex_lock(&vz_lock);
  h->ctx = smbc_new_context();
  int err = h->ctx ? global_init(h->ctx, config) : (errno ? errno : ENOMEM);
  pthread_mutex_unlock(&vz_lock);
  free(config);
  if (err) {
    handle_free(h);
    free(h);
    return throw_errno(env, "init", err);
  }
  pthread_mutex_lock(&vz_lock);
  smbc_setOptionUserData(h->ctx, h);
  smbc_setFunctionAuthDataWithContext(h->ctx, auth_fn);
  smbc_setOptionUseKerberos(h->ctx, 0);
  smbc_setOptionFallbackAfterKerberos(h->ctx, 1);
  smbc_setOptionUseCCache(h->ctx, 0);
  smbc_setOptionNoAutoAnonymousLogin(h->ctx, h->user[0] != '\0');
  /* libsmbclient requires signing whenever the encryption level is not NONE; DEFAULT
   * leaves encryption itself to the private configuration ("client smb encrypt"). */
  smbc_setOptionSmbEncryptionLevel(h->ctx, require_signing ? SMBC_ENCRYPTLEVEL_DEFAULT : SMBC_ENCRYPTLEVEL_NONE);
  smbc_setPort(h->ctx, port);
  smbc_setTimeout(h->ctx, timeout_ms);
  SMBCCTX *ok = smbc_init_context(h->ctx);
  err = errno;
  pthread_mutex_unlock(&vz_lock);
  if (!ok) {
    handle_free(h);
    free(h);
    return throw_errno(env, "init", err ? err : EINVAL);
  }
  CALL(env, napi_create_external(env, h, finalize_handle, NULL, &result));
  return result;
}

/* destroy(handle): closes every file and the connection; later calls throw. */
static napi_value vz_destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && napi_get_value_external(env, argv[0], &data) == napi_ok && data) handle_free(data);
  return NULL;
}

static napi_value stat_object(napi_env env, uint64_t size, double mtime_ms, int is_dir) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_double(env, (double)size, &v);
  napi_set_named_property(env, obj, "size", v);
  napi_create_double(env, mtime_ms, &v);
  napi_set_named_property(env, obj, "mtimeMs", v);
  napi_get_boolean(env, is_dir, &v);
  napi_set_named_property(env, obj, "isDirectory", v);
  return obj;
}

static double ts_ms(struct timespec ts) {
  return (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
}

/* stat(handle, url) -> {size, mtimeMs, isDirectory} */
static napi_value vz_stat(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  vz_handle *h = get_handle(env, argv[0]);
  char *url = h ? get_string(env, argv[1]) : NULL;
  if (!url) return NULL;
  struct stat st;
  pthread_mutex_lock(&vz_lock);
  int rc = smbc_getFunctionStat(h->ctx)(h->ctx, url, &st);
  int err = errno;
  pthread_mutex_unlock(&vz_lock);
  napi_value result = rc < 0 ? throw_errno(env, "stat", err ? err : EIO)
                             : stat_object(env, (uint64_t)st.st_size, ts_ms(st.st_mtim), S_ISDIR(st.st_mode));
  free(url);
  return result;
}

/* list(handle, url) -> [{name, size, mtimeMs, isDirectory}], without "." and "..". */
static napi_value vz_list(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], arr;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  vz_handle *h = get_handle(env, argv[0]);
  char *url = h ? get_string(env, argv[1]) : NULL;
  if (!url) return NULL;
  pthread_mutex_lock(&vz_lock);
  SMBCFILE *dir = smbc_getFunctionOpendir(h->ctx)(h->ctx, url);
  if (!dir) {
    int err = errno;
    pthread_mutex_unlock(&vz_lock);
    throw_errno(env, "list", err ? err : EIO);
    free(url);
    return NULL;
  }
  free(url);
  napi_create_array(env, &arr);
  uint32_t n = 0;
  const struct libsmb_file_info *fi;
  while ((fi = smbc_getFunctionReaddirPlus(h->ctx)(h->ctx, dir)) != NULL) {
    if (!fi->name || strcmp(fi->name, ".") == 0 || strcmp(fi->name, "..") == 0) continue;
    napi_value obj = stat_object(env, fi->size, ts_ms(fi->mtime_ts), (fi->attrs & VZ_ATTR_DIRECTORY) != 0);
    napi_value name;
    napi_create_string_utf8(env, fi->name, NAPI_AUTO_LENGTH, &name);
    napi_set_named_property(env, obj, "name", name);
    napi_set_element(env, arr, n++, obj);
  }
  smbc_getFunctionClosedir(h->ctx)(h->ctx, dir);
  pthread_mutex_unlock(&vz_lock);
  return arr;
}

/* open(handle, url) -> file slot (read-only). */
static napi_value vz_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  vz_handle *h = get_handle(env, argv[0]);
  char *url = h ? get_string(env, argv[1]) : NULL;
  if (!url) return NULL;
  int slot = -1;
  for (int i = 0; i < VZ_MAX_FILES && slot < 0; i++)
    if (!h->files[i]) slot = i;
  pthread_mutex_lock(&vz_lock);
  SMBCFILE *f = slot < 0 ? NULL : smbc_getFunctionOpen(h->ctx)(h->ctx, url, O_RDONLY, 0);
  int err = slot < 0 ? EMFILE : (errno ? errno : EIO);
  pthread_mutex_unlock(&vz_lock);
  if (!f) {
    throw_errno(env, "open", err);
    free(url);
    return NULL;
  }
  free(url);
  h->files[slot] = f;
  CALL(env, napi_create_int32(env, slot, &result));
  return result;
}

/* pread(handle, slot, offset, length) -> ArrayBuffer (shorter only at end of file). */
static napi_value vz_pread(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], result;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  vz_handle *h = get_handle(env, argv[0]);
  int32_t slot;
  SMBCFILE *f = h ? get_file(env, h, argv[1], &slot) : NULL;
  if (!f) return NULL;
  int64_t offset = -1, length = -1;
  napi_get_value_int64(env, argv[2], &offset);
  napi_get_value_int64(env, argv[3], &length);
  if (offset < 0 || length < 0 || length > VZ_MAX_READ) return throw_errno(env, "read", EINVAL);
  void *data = NULL;
  CALL(env, napi_create_arraybuffer(env, (size_t)length, &data, &result));
  size_t done = 0;
  int err = 0;
  pthread_mutex_lock(&vz_lock);
  if (smbc_getFunctionLseek(h->ctx)(h->ctx, f, (off_t)offset, SEEK_SET) < 0) err = errno ? errno : EIO;
  smbc_read_fn read_fn = smbc_getFunctionRead(h->ctx);
  while (!err && done < (size_t)length) {
    ssize_t n = read_fn(h->ctx, f, (char *)data + done, (size_t)length - done);
    if (n < 0) err = errno ? errno : EIO;
    if (n <= 0) break;
    done += (size_t)n;
  }
  pthread_mutex_unlock(&vz_lock);
  if (err) return throw_errno(env, "read", err);
  if (done < (size_t)length) {
    void *shorter = NULL;
    napi_value copy;
    CALL(env, napi_create_arraybuffer(env, done, &shorter, &copy));
    memcpy(shorter, data, done);
    result = copy;
  }
  return result;
}

/* close(handle, slot): closes one file; an unknown slot throws EBADF. */
static napi_value vz_close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  vz_handle *h = get_handle(env, argv[0]);
  int32_t slot;
  SMBCFILE *f = h ? get_file(env, h, argv[1], &slot) : NULL;
  if (!f) return NULL;
  h->files[slot] = NULL;
  pthread_mutex_lock(&vz_lock);
  int rc = smbc_getFunctionClose(h->ctx)(h->ctx, f);
  int err = errno;
  pthread_mutex_unlock(&vz_lock);
  if (rc < 0) return throw_errno(env, "close", err ? err : EIO);
  return NULL;
}

static napi_value init_module(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, vz_create, NULL, NULL, NULL, napi_default, NULL},
      {"destroy", NULL, vz_destroy, NULL, NULL, NULL, napi_default, NULL},
      {"stat", NULL, vz_stat, NULL, NULL, NULL, napi_default, NULL},
      {"list", NULL, vz_list, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, vz_open, NULL, NULL, NULL, napi_default, NULL},
      {"pread", NULL, vz_pread, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, vz_close, NULL, NULL, NULL, napi_default, NULL},
  };
  CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE_INIT() { return init_module(env, exports); }
