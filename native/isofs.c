/*
 * vizor-isofs: a read-only FUSE file system showing the file tree of one ISO image.
 *
 * vizor's own ISO 9660/UDF readers (src/media) walk the image and send this helper a
 * manifest on stdin (format: src/exposure/mounts/manifest.ts): every directory, file
 * and symbolic link with its size, time and extents (bytes at an offset of the backing
 * image, runs of zeros, inline bytes). The helper checks all of it, opens the backing
 * (a local file, or an smb:// URL read with libsmbclient; credentials come only in the
 * manifest, never in argv or the environment, which /proc shows) and mounts the tree
 * read-only, so smbd can share an ISO's contents on kernels without iso9660/udf.
 *
 * It stays in the foreground (the caller owns the process), prints "ready" once the
 * mount is live, and unmounts on SIGTERM, SIGINT or SIGHUP, or when its parent dies.
 *
 * Usage: vizor-isofs MOUNTPOINT < manifest     vizor-isofs --check < manifest
 * Exit: 0 unmounted cleanly (--check: manifest valid), 2 usage or bad manifest,
 *       3 backing unreadable, 4 mount failed.
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <fuse.h>
#ifdef VZ_HAVE_SMB
#include <libsmbclient.h>
#endif

enum { EXIT_BAD = 2, EXIT_BACKING = 3, EXIT_MOUNT = 4 };

/* Bounds on what one manifest may ask for, so hostile input ends in a message, not OOM. */
#define MAX_MANIFEST ((size_t)1 << 30)
#define MAX_NODES 4000000u
#define MAX_EXTENTS 16000000u
#define MAX_DEPTH 128u
#define MAX_NAME 255u
#define MAX_TARGET 4095u
#define MAX_STRING 4096u
#define MAX_INLINE_TOTAL ((size_t)64 << 20)
#define MAX_SIZE ((uint64_t)1 << 62)
#define MAX_MTIME_MS 8640000000000000LL /* the range of a JavaScript Date */
#define BLOCK 2048

enum node_type { N_DIR, N_FILE, N_LINK };
enum ext_kind { E_DATA, E_ZERO, E_INLINE };

/* pos: where the extent starts in its file; src: backing offset or offset in the blob. */
struct extent {
  uint64_t pos, len, src;
  uint8_t kind;
};

struct node {
  char *name, *target;
  uint64_t size;
  int64_t mtime_ms;
  uint32_t parent, depth;
  uint32_t first, count; /* files: extents; directories: children in kids[] */
  uint8_t type;
};

static struct {
  struct node *nodes;
  uint32_t n_nodes, cap_nodes;
  struct extent *ext;
  uint32_t n_ext, cap_ext;
  uint8_t *blob;
  size_t n_blob, cap_blob;
  uint32_t *kids;
  char name[65];
  int smb;
  char *backing, *smb_domain, *smb_user, *smb_password, *smb_config;
  uint64_t backing_size;
  long smb_port, smb_timeout;
  int smb_signing_required;
} M = {.smb_port = 445, .smb_timeout = 20000, .smb_signing_required = 1};

static unsigned long line_no;

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("vizor-isofs: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

/* A name made printable for a message: control bytes become '?'. */
static const char *shown(const char *name) {
  static char buf[MAX_NAME + 1];
  size_t i = 0;
  for (; name[i] && i < MAX_NAME; i++) buf[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
  buf[i] = '\0';
  return buf;
}

#define BAD(...) die(EXIT_BAD, "manifest line " "%lu: " __VA_ARGS__)

static void *grow(void *p, size_t *cap, size_t need, size_t item) {
  if (need <= *cap) return p;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *q = realloc(p, n * item);
  if (!q) die(EXIT_BAD, "out of memory reading the manifest");
  *cap = n;
  return q;
}

/* ---- tokens ---------------------------------------------------------------------- */

/* Decimal without sign, leading zeros or overflow, at most `max`. */
static uint64_t parse_u64(const char *s, uint64_t max, const char *what) {
  uint64_t v = 0;
  if (!*s || (s[0] == '0' && s[1])) BAD("%s is not a plain decimal number", line_no, what);
  for (; *s; s++) {
    if (*s < '0' || *s > '9') BAD("%s is not a plain decimal number", line_no, what);
    if (v > (max - (uint64_t)(*s - '0')) / 10) BAD("%s is out of range", line_no, what);
    v = v * 10 + (uint64_t)(*s - '0');
  }
  return v;
}

static int64_t parse_mtime(const char *s) {
  int neg = *s == '-';
  uint64_t v = parse_u64(s + neg, (uint64_t)MAX_MTIME_MS, "mtime");
  return neg ? -(int64_t)v : (int64_t)v;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes a token into a NUL-terminated string; NUL itself is refused. */
static char *pct_decode(const char *s, const char *what) {
  size_t n = strlen(s);
  char *out = malloc(n + 1), *o = out;
  if (!out) die(EXIT_BAD, "out of memory reading the manifest");
  for (; *s; s++) {
    if (*s != '%') {
      *o++ = *s;
      continue;
    }
    int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
    if (lo < 0) BAD("%s has a bad %%-escape", line_no, what);
    if (hi == 0 && lo == 0) BAD("%s contains a NUL byte", line_no, what);
    *o++ = (char)(hi * 16 + lo);
    s += 2;
  }
  *o = '\0';
  if ((size_t)(o - out) > MAX_STRING) BAD("%s is longer than %u bytes", line_no, what, MAX_STRING);
  return out;
}

/* Splits a line at single spaces; empty tokens (double, leading, trailing spaces) are refused. */
static int split(char *line, char **tok, int max) {
  int n = 0;
  for (char *p = line;;) {
    if (n == max) BAD("too many fields", line_no);
    char *sp = strchr(p, ' ');
    if (sp) *sp = '\0';
    if (!*p) BAD("empty field (stray space)", line_no);
    tok[n++] = p;
    if (!sp) return n;
    p = sp + 1;
  }
}

/* ---- manifest -------------------------------------------------------------------- */

static uint32_t add_node(uint8_t type, const char *parent_tok, const char *name_tok, const char *mtime_tok) {
  if (M.n_nodes == 0) BAD("a node comes before the root line", line_no);
  if (M.n_nodes >= MAX_NODES) BAD("more than %u nodes", line_no, MAX_NODES);
  uint64_t parent = parse_u64(parent_tok, UINT32_MAX, "parent");
  if (parent >= M.n_nodes || M.nodes[parent].type != N_DIR) BAD("parent %" PRIu64 " is not an earlier directory", line_no, parent);
  size_t cap = M.cap_nodes;
  M.nodes = grow(M.nodes, &cap, (size_t)M.n_nodes + 1, sizeof *M.nodes);
  M.cap_nodes = (uint32_t)cap;
  struct node *n = &M.nodes[M.n_nodes];
  memset(n, 0, sizeof *n);
  n->type = type;
  n->parent = (uint32_t)parent;
  n->depth = M.nodes[parent].depth + 1;
  if (n->depth > MAX_DEPTH) BAD("directories nested deeper than %u", line_no, MAX_DEPTH);
  n->mtime_ms = parse_mtime(mtime_tok);
  n->name = pct_decode(name_tok, "name");
  size_t len = strlen(n->name);
  if (len == 0 || len > MAX_NAME) BAD("a name must be 1 to %u bytes", line_no, MAX_NAME);
  if (strchr(n->name, '/') || !strcmp(n->name, ".") || !strcmp(n->name, "..")) BAD("name \"%s\" is not a valid file name", line_no, shown(n->name));
  return M.n_nodes++;
}

static void add_extent(uint8_t kind, uint64_t len, uint64_t src, struct node *file, uint64_t *covered) {
  if (M.n_ext >= MAX_EXTENTS) BAD("more than %u extents", line_no, MAX_EXTENTS);
  if (len == 0) BAD("empty extent", line_no);
  if (*covered > MAX_SIZE - len) BAD("extents exceed the largest file size", line_no);
  size_t cap = M.cap_ext;
  M.ext = grow(M.ext, &cap, (size_t)M.n_ext + 1, sizeof *M.ext);
  M.cap_ext = (uint32_t)cap;
  M.ext[M.n_ext++] = (struct extent){.pos = *covered, .len = len, .src = src, .kind = kind};
  file->count++;
  *covered += len;
}

static const char *const HEADERS[] = {"name", "backing-file", "backing-smb", "smb-port", "smb-timeout", "smb-signing",
                                      "smb-domain", "smb-user", "smb-password", "smb-config", "root"};

/* One line before the first node: each key at most once, with exactly one value. */
static void header_line(char **t, int n) {
  static unsigned seen;
  unsigned k = 0, count = sizeof HEADERS / sizeof *HEADERS;
  while (k < count && strcmp(t[0], HEADERS[k])) k++;
  if (k == count || n != (k == 1 || k == 2 ? 3 : 2)) BAD("unknown or malformed header line \"%s\"", line_no, t[0]);
  if (seen & (1u << k) || (k == 1 && seen & 4u) || (k == 2 && seen & 2u)) BAD("repeated header \"%s\"", line_no, t[0]);
  seen |= 1u << k;
  const char *v = t[1];
  size_t len = strlen(v);
  switch (k) {
  case 0:
    if (len > 64 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != len)
      BAD("name must be 1-64 of A-Z a-z 0-9 . _ -", line_no);
    memcpy(M.name, v, len + 1);
    break;
  case 1:
  case 2:
    M.smb = k == 2;
    M.backing = pct_decode(v, "backing");
    M.backing_size = parse_u64(t[2], MAX_SIZE, "backing size");
    if (M.smb ? strncmp(M.backing, "smb://", 6) != 0 : M.backing[0] != '/') BAD("backing must be an absolute path or an smb:// URL", line_no);
    break;
  case 3:
    M.smb_port = (long)parse_u64(v, 65535, "smb-port");
    if (M.smb_port == 0) BAD("smb-port must be 1-65535", line_no);
    break;
  case 4:
    M.smb_timeout = (long)parse_u64(v, 3600000, "smb-timeout");
    break;
  case 5:
    if (strcmp(v, "required") && strcmp(v, "if-required")) BAD("smb-signing must be required or if-required", line_no);
    M.smb_signing_required = !strcmp(v, "required");
    break;
  case 6: M.smb_domain = pct_decode(v, "smb-domain"); break;
  case 7: M.smb_user = pct_decode(v, "smb-user"); break;
  case 8: M.smb_password = pct_decode(v, "smb-password"); break;
  case 9: M.smb_config = pct_decode(v, "smb-config"); break;
  default:
    if (!M.name[0] || !M.backing) BAD("root comes before name and backing", line_no);
    M.cap_nodes = 1024;
    M.nodes = malloc(M.cap_nodes * sizeof *M.nodes);
    if (!M.nodes) die(EXIT_BAD, "out of memory");
    memset(&M.nodes[0], 0, sizeof M.nodes[0]);
    M.nodes[0].type = N_DIR;
    M.nodes[0].mtime_ms = parse_mtime(v);
    M.nodes[0].name = "";
    M.n_nodes = 1;
  }
}

/* Parses the whole manifest; any fault exits with the line number. */
static void parse(char *text, size_t len) {
  if (len == 0 || text[len - 1] != '\n') die(EXIT_BAD, "manifest is empty or truncated (no final newline)");
  for (size_t i = 0; i < len; i++)
    if ((text[i] < 0x20 || text[i] > 0x7e) && text[i] != '\n') die(EXIT_BAD, "manifest byte %zu is not printable ASCII", i);
  struct node *file = NULL; /* the file whose extents are being read */
  uint64_t want = 0, covered = 0;
  int ended = 0;
  char *line = text, *tok[8] = {0};
  for (line_no = 1; line < text + len; line_no++) {
    char *nl = strchr(line, '\n');
    *nl = '\0';
    if (ended) BAD("text after the end line", line_no);
    if (!*line) BAD("empty line", line_no);
    int n = split(line, tok, 8);
    line = nl + 1;
    if (line_no == 1) {
      if (n != 2 || strcmp(tok[0], "vizor-isofs") || strcmp(tok[1], "1")) BAD("expected \"vizor-isofs 1\"", line_no);
      continue;
    }
    int is_ext = !strcmp(tok[0], "data") || !strcmp(tok[0], "zero") || !strcmp(tok[0], "inline");
    if (want > 0 && !is_ext) BAD("file expects %" PRIu64 " more extent lines", line_no, want);
    if (is_ext) {
      if (want == 0) BAD("extent line outside a file", line_no);
      if (!strcmp(tok[0], "data") && n == 3) {
        uint64_t off = parse_u64(tok[1], MAX_SIZE, "offset"), l = parse_u64(tok[2], MAX_SIZE, "length");
        if (off + l > M.backing_size) BAD("extent at %" PRIu64 " (+%" PRIu64 ") lies outside the backing (%" PRIu64 " bytes)", line_no, off, l, M.backing_size);
        add_extent(E_DATA, l, off, file, &covered);
      } else if (!strcmp(tok[0], "zero") && n == 2) {
        add_extent(E_ZERO, parse_u64(tok[1], MAX_SIZE, "length"), 0, file, &covered);
      } else if (!strcmp(tok[0], "inline") && n == 2) {
        size_t hex = strlen(tok[1]), l = hex / 2;
        if (hex % 2 || M.n_blob + l > MAX_INLINE_TOTAL) BAD("inline data is malformed or too large", line_no);
        M.blob = grow(M.blob, &M.cap_blob, M.n_blob + l, 1);
        for (size_t i = 0; i < l; i++) {
          int hi = hexval(tok[1][2 * i]), lo = hexval(tok[1][2 * i + 1]);
          if (hi < 0 || lo < 0) BAD("inline data is not hex", line_no);
          M.blob[M.n_blob + i] = (uint8_t)(hi * 16 + lo);
        }
        add_extent(E_INLINE, l, M.n_blob, file, &covered);
        M.n_blob += l;
      } else {
        BAD("malformed extent line", line_no);
      }
      if (--want == 0 && covered < file->size)
        BAD("extents of \"%s\" cover %" PRIu64 " bytes but the file is %" PRIu64, line_no, shown(file->name), covered, file->size);
    } else if (!strcmp(tok[0], "dir") && n == 4) {
      add_node(N_DIR, tok[1], tok[3], tok[2]);
    } else if (!strcmp(tok[0], "file") && n == 6) {
      uint32_t id = add_node(N_FILE, tok[1], tok[5], tok[3]);
      file = &M.nodes[id];
      file->size = parse_u64(tok[2], MAX_SIZE, "size");
      want = parse_u64(tok[4], MAX_EXTENTS, "extent count");
      file->first = M.n_ext;
      covered = 0;
      if (want == 0 && file->size > 0) BAD("file \"%s\" has a size but no extents", line_no, shown(file->name));
    } else if (!strcmp(tok[0], "link") && n == 5) {
      uint32_t id = add_node(N_LINK, tok[1], tok[3], tok[2]);
      M.nodes[id].target = pct_decode(tok[4], "link target");
      M.nodes[id].size = strlen(M.nodes[id].target);
      if (M.nodes[id].size == 0 || M.nodes[id].size > MAX_TARGET) BAD("link target must be 1 to %u bytes", line_no, MAX_TARGET);
    } else if (!strcmp(tok[0], "end") && n == 1) {
      if (M.n_nodes == 0) BAD("end before the root line", line_no);
      ended = 1;
    } else if (M.n_nodes == 0) {
      header_line(tok, n);
    } else {
      BAD("unknown or malformed line \"%s\"", line_no, tok[0]);
    }
  }
  if (!ended) die(EXIT_BAD, "manifest has no end line (truncated)");
}

static int cmp_kid(const void *a, const void *b) {
  return strcmp(M.nodes[*(const uint32_t *)a].name, M.nodes[*(const uint32_t *)b].name);
}

/* Groups children by directory, sorted by name for binary search; duplicates are refused. */
static void build_tree(void) {
  M.kids = calloc(M.n_nodes ? M.n_nodes : 1, sizeof *M.kids);
  if (!M.kids) die(EXIT_BAD, "out of memory");
  for (uint32_t i = 1; i < M.n_nodes; i++) M.nodes[M.nodes[i].parent].count++;
  uint32_t at = 0;
  for (uint32_t i = 0; i < M.n_nodes; i++)
    if (M.nodes[i].type == N_DIR) {
      M.nodes[i].first = at;
      at += M.nodes[i].count;
      M.nodes[i].count = 0;
    }
  for (uint32_t i = 1; i < M.n_nodes; i++) {
    struct node *p = &M.nodes[M.nodes[i].parent];
    M.kids[p->first + p->count++] = i;
  }
  for (uint32_t i = 0; i < M.n_nodes; i++) {
    struct node *d = &M.nodes[i];
    if (d->type != N_DIR || d->count < 2) continue;
    qsort(M.kids + d->first, d->count, sizeof *M.kids, cmp_kid);
    for (uint32_t k = 1; k < d->count; k++)
      if (!strcmp(M.nodes[M.kids[d->first + k]].name, M.nodes[M.kids[d->first + k - 1]].name))
        die(EXIT_BAD, "manifest: duplicate name \"%s\" in one directory", shown(M.nodes[M.kids[d->first + k]].name));
  }
}

/* ---- backing --------------------------------------------------------------------- */

static int backing_fd = -1;
#ifdef VZ_HAVE_SMB
static SMBCCTX *smb_ctx;
static SMBCFILE *smb_file;
/* libsmbclient keeps process-global state without locking: every call holds this. */
static pthread_mutex_t smb_lock = PTHREAD_MUTEX_INITIALIZER;

static void smb_auth(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un, int unlen, char *pw, int pwlen) {
  (void)c, (void)srv, (void)shr;
  if (M.smb_domain && M.smb_domain[0]) snprintf(wg, wglen, "%s", M.smb_domain);
  snprintf(un, unlen, "%s", M.smb_user ? M.smb_user : "");
  snprintf(pw, pwlen, "%s", M.smb_password ? M.smb_password : "");
}

static void smb_quiet(void *priv, int level, const char *msg) {
  (void)priv, (void)level, (void)msg;
}

/* Opens the backing URL on the context; the caller holds smb_lock. */
static SMBCFILE *smb_reopen(void) {
  if (smb_file) smbc_getFunctionClose(smb_ctx)(smb_ctx, smb_file);
  smb_file = smbc_getFunctionOpen(smb_ctx)(smb_ctx, M.backing, O_RDONLY, 0);
  return smb_file;
}

static void smb_open_backing(void) {
  smb_ctx = smbc_new_context();
  if (!smb_ctx) die(EXIT_BACKING, "smb backing: cannot create a client context");
  smbc_setLogCallback(smb_ctx, NULL, smb_quiet);
  if (M.smb_config && smbc_setConfiguration(smb_ctx, M.smb_config) != 0) die(EXIT_BACKING, "smb backing: cannot load %s", M.smb_config);
  smbc_setOptionProtocols(smb_ctx, "SMB2_02", "SMB3");
  smbc_setFunctionAuthDataWithContext(smb_ctx, smb_auth);
  smbc_setOptionUseKerberos(smb_ctx, 0);
  smbc_setOptionFallbackAfterKerberos(smb_ctx, 1);
  smbc_setOptionUseCCache(smb_ctx, 0);
  smbc_setOptionNoAutoAnonymousLogin(smb_ctx, M.smb_user && M.smb_user[0]);
  smbc_setOptionSmbEncryptionLevel(smb_ctx, M.smb_signing_required ? SMBC_ENCRYPTLEVEL_DEFAULT : SMBC_ENCRYPTLEVEL_NONE);
  smbc_setPort(smb_ctx, (uint16_t)M.smb_port);
  smbc_setTimeout(smb_ctx, (int)M.smb_timeout);
  if (!smbc_init_context(smb_ctx)) die(EXIT_BACKING, "smb backing: cannot initialise the client: %s", strerror(errno));
  /* The URL is shown without credentials: the manifest carries those separately. */
  if (!smb_reopen()) die(EXIT_BACKING, "smb backing: cannot open the image: %s", strerror(errno));
  struct stat st;
  if (smbc_getFunctionFstat(smb_ctx)(smb_ctx, smb_file, &st) != 0) die(EXIT_BACKING, "smb backing: cannot stat the image: %s", strerror(errno));
  if ((uint64_t)st.st_size != M.backing_size)
    die(EXIT_BACKING, "smb backing is %lld bytes, the manifest says %" PRIu64 " (the image changed since it was read)", (long long)st.st_size, M.backing_size);
}

/* Reads exactly len bytes at off; a failed connection is reopened once. */
static int smb_pread(char *buf, size_t len, uint64_t off) {
  int rc = -EIO;
  pthread_mutex_lock(&smb_lock);
  for (int attempt = 0; attempt < 2 && rc != 0; attempt++) {
    if ((attempt > 0 || !smb_file) && !smb_reopen()) continue;
    if (smbc_getFunctionLseek(smb_ctx)(smb_ctx, smb_file, (off_t)off, SEEK_SET) < 0) {
      smb_reopen();
      continue;
    }
    size_t done = 0;
    while (done < len) {
      ssize_t n = smbc_getFunctionRead(smb_ctx)(smb_ctx, smb_file, buf + done, len - done);
      if (n <= 0) break;
      done += (size_t)n;
    }
    if (done == len) rc = 0;
  }
  pthread_mutex_unlock(&smb_lock);
  return rc;
}
#endif

static void open_backing(void) {
  if (M.smb) {
#ifdef VZ_HAVE_SMB
    smb_open_backing();
    return;
#else
    die(EXIT_BACKING, "smb backing: this vizor-isofs was built without libsmbclient (apt-get install libsmbclient-dev, then npm ci)");
#endif
  }
  backing_fd = open(M.backing, O_RDONLY | O_CLOEXEC);
  if (backing_fd < 0) die(EXIT_BACKING, "cannot open %s: %s", M.backing, strerror(errno));
  struct stat st;
  if (fstat(backing_fd, &st) != 0) die(EXIT_BACKING, "cannot stat %s: %s", M.backing, strerror(errno));
  uint64_t size = (uint64_t)st.st_size;
  if (S_ISBLK(st.st_mode)) {
    off_t end = lseek(backing_fd, 0, SEEK_END);
    size = end < 0 ? 0 : (uint64_t)end;
  } else if (!S_ISREG(st.st_mode)) {
    die(EXIT_BACKING, "%s is not a regular file or block device", M.backing);
  }
  if (size != M.backing_size)
    die(EXIT_BACKING, "%s is %" PRIu64 " bytes, the manifest says %" PRIu64 " (the image changed since it was read)", M.backing, size, M.backing_size);
}

static int backing_read(char *buf, size_t len, uint64_t off) {
#ifdef VZ_HAVE_SMB
  if (M.smb) return smb_pread(buf, len, off);
#endif
  size_t done = 0;
  while (done < len) {
    ssize_t n = pread(backing_fd, buf + done, len - done, (off_t)(off + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -EIO; /* the image shrank or the disk failed */
    done += (size_t)n;
  }
  return 0;
}

/* ---- file system ----------------------------------------------------------------- */

/* Resolves an absolute path to a node id, or a negative errno. */
static int64_t resolve(const char *path) {
  uint32_t id = 0;
  char part[MAX_NAME + 1];
  while (*path) {
    while (*path == '/') path++;
    if (!*path) break;
    size_t len = strcspn(path, "/");
    if (len > MAX_NAME) return -ENAMETOOLONG;
    if (M.nodes[id].type != N_DIR) return -ENOTDIR;
    memcpy(part, path, len);
    part[len] = '\0';
    path += len;
    struct node *d = &M.nodes[id];
    uint32_t lo = 0, hi = d->count;
    int found = 0;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2, kid = M.kids[d->first + mid];
      int c = strcmp(part, M.nodes[kid].name);
      if (c == 0) {
        id = kid;
        found = 1;
        break;
      }
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    if (!found) return -ENOENT;
  }
  return id;
}

static void fill_stat(uint32_t id, struct stat *st) {
  const struct node *n = &M.nodes[id];
  memset(st, 0, sizeof *st);
  st->st_ino = (ino_t)id + 1;
  st->st_mode = n->type == N_DIR ? S_IFDIR | 0555 : n->type == N_LINK ? S_IFLNK | 0777 : S_IFREG | 0444;
  st->st_nlink = n->type == N_DIR ? 2 : 1;
  st->st_size = (off_t)n->size;
  st->st_blksize = BLOCK;
  st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
  int64_t sec = n->mtime_ms / 1000, ms = n->mtime_ms % 1000;
  if (ms < 0) sec--, ms += 1000; /* floor for times before 1970 */
  st->st_mtim.tv_sec = st->st_atim.tv_sec = st->st_ctim.tv_sec = (time_t)sec;
  st->st_mtim.tv_nsec = st->st_atim.tv_nsec = st->st_ctim.tv_nsec = (long)ms * 1000000L;
}

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  int64_t id = fi ? (int64_t)fi->fh : resolve(path);
  if (id < 0) return (int)id;
  fill_stat((uint32_t)id, st);
  return 0;
}

static int op_readlink(const char *path, char *buf, size_t size) {
  int64_t id = resolve(path);
  if (id < 0) return (int)id;
  if (M.nodes[id].type != N_LINK) return -EINVAL;
  if (size == 0) return -EINVAL;
  snprintf(buf, size, "%s", M.nodes[id].target);
  return 0;
}

static int op_open(const char *path, struct fuse_file_info *fi) {
  if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & (O_TRUNC | O_CREAT | O_APPEND))) return -EROFS;
  int64_t id = resolve(path);
  if (id < 0) return (int)id;
  if (M.nodes[id].type == N_DIR) return -EISDIR;
  if (M.nodes[id].type != N_FILE) return -ELOOP;
  fi->fh = (uint64_t)id;
  fi->keep_cache = 1; /* the image never changes under a mount */
  return 0;
}

static int op_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
  (void)path;
  const struct node *n = &M.nodes[fi->fh];
  uint64_t off = (uint64_t)offset;
  if (offset < 0) return -EINVAL;
  if (off >= n->size) return 0;
  if (size > n->size - off) size = (size_t)(n->size - off);
  uint32_t lo = n->first, hi = n->first + n->count; /* last extent starting at or before off */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (M.ext[mid].pos <= off) lo = mid;
    else hi = mid;
  }
  size_t done = 0;
  for (uint32_t i = lo; done < size && i < n->first + n->count; i++) {
    const struct extent *e = &M.ext[i];
    uint64_t within = off + done - e->pos;
    size_t take = e->len - within < size - done ? (size_t)(e->len - within) : size - done;
    if (e->kind == E_DATA) {
      int rc = backing_read(buf + done, take, e->src + within);
      if (rc < 0) return done ? (int)done : rc;
    } else if (e->kind == E_ZERO) {
      memset(buf + done, 0, take);
    } else {
      memcpy(buf + done, M.blob + e->src + within, take);
    }
    done += take;
  }
  return (int)done;
}

static int op_opendir(const char *path, struct fuse_file_info *fi) {
  int64_t id = resolve(path);
  if (id < 0) return (int)id;
  if (M.nodes[id].type != N_DIR) return -ENOTDIR;
  fi->fh = (uint64_t)id;
  fi->cache_readdir = 1;
  return 0;
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)path, (void)offset;
  const struct node *d = &M.nodes[fi->fh];
  enum fuse_fill_dir_flags plus = (flags & FUSE_READDIR_PLUS) ? FUSE_FILL_DIR_PLUS : 0;
  struct stat st;
  fill_stat((uint32_t)fi->fh, &st);
  fill(buf, ".", &st, 0, plus);
  fill_stat(d->parent, &st);
  fill(buf, "..", &st, 0, plus);
  for (uint32_t k = 0; k < d->count; k++) {
    uint32_t kid = M.kids[d->first + k];
    fill_stat(kid, &st);
    if (fill(buf, M.nodes[kid].name, &st, 0, plus)) return -ENOMEM;
  }
  return 0;
}

static int op_statfs(const char *path, struct statvfs *st) {
  (void)path;
  memset(st, 0, sizeof *st);
  st->f_bsize = st->f_frsize = BLOCK;
  st->f_blocks = (fsblkcnt_t)((M.backing_size + BLOCK - 1) / BLOCK);
  st->f_files = M.n_nodes;
  st->f_namemax = MAX_NAME;
  st->f_flag = ST_RDONLY;
  return 0;
}

static int op_access(const char *path, int mask) {
  int64_t id = resolve(path);
  if (id < 0) return (int)id;
  return (mask & W_OK) ? -EROFS : 0;
}

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  cfg->use_ino = 1;
  cfg->kernel_cache = 1;
  cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 3600;
  return NULL;
}

/* Every operation that would change anything. */
static int ro_path(const char *p) { return (void)p, -EROFS; }
static int ro_path_mode(const char *p, mode_t m) { return (void)p, (void)m, -EROFS; }
static int ro_mknod(const char *p, mode_t m, dev_t d) { return (void)p, (void)m, (void)d, -EROFS; }
static int ro_two(const char *a, const char *b) { return (void)a, (void)b, -EROFS; }
static int ro_rename(const char *a, const char *b, unsigned int f) { return (void)a, (void)b, (void)f, -EROFS; }
static int ro_chmod(const char *p, mode_t m, struct fuse_file_info *fi) { return (void)p, (void)m, (void)fi, -EROFS; }
static int ro_chown(const char *p, uid_t u, gid_t g, struct fuse_file_info *fi) { return (void)p, (void)u, (void)g, (void)fi, -EROFS; }
static int ro_truncate(const char *p, off_t s, struct fuse_file_info *fi) { return (void)p, (void)s, (void)fi, -EROFS; }
static int ro_write(const char *p, const char *b, size_t s, off_t o, struct fuse_file_info *fi) { return (void)p, (void)b, (void)s, (void)o, (void)fi, -EROFS; }
static int ro_create(const char *p, mode_t m, struct fuse_file_info *fi) { return (void)p, (void)m, (void)fi, -EROFS; }
static int ro_utimens(const char *p, const struct timespec tv[2], struct fuse_file_info *fi) { return (void)p, (void)tv, (void)fi, -EROFS; }
static int ro_setxattr(const char *p, const char *n, const char *v, size_t s, int f) { return (void)p, (void)n, (void)v, (void)s, (void)f, -EROFS; }
static int ro_removexattr(const char *p, const char *n) { return (void)p, (void)n, -EROFS; }
static int ro_fallocate(const char *p, int m, off_t o, off_t l, struct fuse_file_info *fi) { return (void)p, (void)m, (void)o, (void)l, (void)fi, -EROFS; }

static const struct fuse_operations ops = {
    .getattr = op_getattr, .readlink = op_readlink, .open = op_open, .read = op_read,
    .opendir = op_opendir, .readdir = op_readdir, .statfs = op_statfs, .access = op_access, .init = op_init,
    .mknod = ro_mknod, .mkdir = ro_path_mode, .unlink = ro_path, .rmdir = ro_path, .symlink = ro_two,
    .rename = ro_rename, .link = ro_two, .chmod = ro_chmod, .chown = ro_chown, .truncate = ro_truncate,
    .write = ro_write, .create = ro_create, .utimens = ro_utimens, .setxattr = ro_setxattr,
    .removexattr = ro_removexattr, .fallocate = ro_fallocate,
};

/* ---- main ------------------------------------------------------------------------ */

static char *read_stdin(size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) die(EXIT_BAD, "out of memory");
  for (;;) {
    if (n + 1 >= cap) {
      if (cap >= MAX_MANIFEST) die(EXIT_BAD, "manifest is larger than %zu bytes", MAX_MANIFEST);
      buf = grow(buf, &cap, cap * 2, 1);
    }
    ssize_t r = read(STDIN_FILENO, buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die(EXIT_BAD, "cannot read the manifest: %s", strerror(errno));
    if (r == 0) break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  int check = argc == 2 && !strcmp(argv[1], "--check");
  if (argc != 2 || (!check && argv[1][0] != '/'))
    die(EXIT_BAD, "usage: vizor-isofs ABSOLUTE-MOUNTPOINT < manifest | vizor-isofs --check < manifest");
  /* Unmount when the parent (vizor) dies, instead of leaving an orphan serving forever. */
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return EXIT_MOUNT;

  size_t len;
  char *text = read_stdin(&len);
  parse(text, len);
  explicit_bzero(text, len); /* it held the SMB password */
  free(text);
  build_tree();
  open_backing();
  if (check) {
    printf("ok %u nodes %u extents\n", M.n_nodes, M.n_ext);
    return 0;
  }

  struct stat st;
  if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) die(EXIT_MOUNT, "mount point %s is not a directory", argv[1]);
  char opts[160];
  snprintf(opts, sizeof opts, "ro,allow_other,default_permissions,fsname=vizor-isofs:%s,subtype=vizor", M.name);
  char *fargv[] = {"vizor-isofs", "-o", opts, NULL};
  struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
  struct fuse *f = fuse_new(&args, &ops, sizeof ops, NULL);
  if (!f) die(EXIT_MOUNT, "cannot set up the FUSE session");
  struct fuse_session *se = fuse_get_session(f);
  if (fuse_set_signal_handlers(se) != 0) die(EXIT_MOUNT, "cannot install signal handlers");
  if (fuse_mount(f, argv[1]) != 0) die(EXIT_MOUNT, "cannot mount on %s (is /dev/fuse there and are we root?)", argv[1]);
  fputs("ready\n", stdout);
  fflush(stdout);
  /* Nothing more goes to the parent: a closed pipe must not matter later. */
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, STDOUT_FILENO), close(devnull);

  struct fuse_loop_config *loop = fuse_loop_cfg_create();
  fuse_loop_cfg_set_clone_fd(loop, 0);
  fuse_loop_cfg_set_max_threads(loop, 16);
  int rc = fuse_loop_mt(f, loop);
  fuse_loop_cfg_destroy(loop);
  fuse_remove_signal_handlers(se);
  fuse_unmount(f);
  fuse_destroy(f);
  return rc < 0 ? EXIT_MOUNT : 0;
}
