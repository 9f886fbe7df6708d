/*
 * vizor_net: opens a UDP socket bound to one network interface (SO_BINDTODEVICE) and returns
 * its file descriptor, which Node's dgram adopts with socket.bind({ fd }). dgram itself cannot
 * bind to a device, and a DHCP server must answer only on the interfaces it was given.
 * Errors are thrown as JS errors carrying `code` (the errno name), `errno` and `syscall`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <node_api.h>

static const char *errno_name(int err) {
  switch (err) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    default: return "EIO";
  }
}

/* Throws "<syscall> <detail>: <strerror>" with code/errno/syscall set; returns NULL for the caller. */
static napi_value throw_errno(napi_env env, const char *syscall, const char *detail, int err) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s %s: %s", syscall, detail, strerror(err));
  napi_value msg, code, error, num, sys;
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_int32(env, err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
  return NULL;
}

/* openUdpSocket(ifname: string, address: string, port: number): number (the fd). */
static napi_value open_udp_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char ifname[IFNAMSIZ + 1] = {0}, address[64] = {0};
  size_t len = 0;
  int32_t port = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 ||
      napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &len) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], address, sizeof address, NULL) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok) {
    napi_throw_type_error(env, NULL, "openUdpSocket(ifname: string, address: string, port: number)");
    return NULL;
  }
  if (len == 0 || len >= IFNAMSIZ) {
    napi_throw_type_error(env, NULL, "openUdpSocket: interface name must be 1-15 bytes");
    return NULL;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (port < 0 || port > 65535 || inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
    napi_throw_type_error(env, NULL, "openUdpSocket: bad address or port");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, "socket", "udp", errno);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt", "SO_REUSEADDR/SO_BROADCAST", err);
  }
  /* A room of machines powered on together floods port 67: a 4 MiB receive buffer rides out
   * event-loop pauses. SO_RCVBUFFORCE (CAP_NET_ADMIN) passes rmem_max; else take what is allowed. */
  int rcvbuf = 4 * 1024 * 1024;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)len) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt", "SO_BINDTODEVICE", err);
  }
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", address, err);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/* closeFd(fd: number): void, for a descriptor dgram never adopted. */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 1 && napi_get_value_int32(env, argv[0], &fd) == napi_ok && fd >= 0) close(fd);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"openUdpSocket", NULL, open_udp_socket, NULL, NULL, NULL, napi_default, NULL},
    {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
