# Builds build/Release/vizor_smb.node (SMB client over libsmbclient) during `npm ci`.
# Without libsmbclient-dev (pkg-config smbclient) the target builds nothing, so the rest
# of vizor still installs; SMB then fails at run time with SMB_NATIVE_MISSING.
# Also builds build/Release/vizor_net.node (native/net.c: UDP sockets bound to one interface
# with SO_BINDTODEVICE, for the DHCP server); it needs only a C compiler.
{
  "variables": {
    "has_smbclient": "<!(sh -c 'pkg-config --exists smbclient 2>/dev/null && echo 1 || echo 0')"
  },
  "targets": [
    {
      "target_name": "vizor_smb",
      "conditions": [
        ["has_smbclient==1", {
          "sources": ["native/smb.c"],
          "cflags": ["-std=gnu11", "-Wall", "-Wextra", "<!@(pkg-config --cflags smbclient)"],
          "libraries": ["<!@(pkg-config --libs smbclient)"],
          "defines": ["NAPI_VERSION=8", "_FILE_OFFSET_BITS=64"]
        }, {
          "type": "none"
        }]
      ]
    },
    {
      "target_name": "vizor_net",
      "sources": ["native/net.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      # build/Release/vizor-isofs (native/isofs.c): the read-only FUSE file system that shows
      # an ISO's files for the Samba share. Needs libfuse3-dev (pkg-config fuse3); without it
      # nothing is built and mounting fails at run time with MOUNT_HELPER_MISSING. SMB-backed
      # images also need libsmbclient-dev.
      "target_name": "vizor-isofs",
      "variables": {
        "has_fuse3": "<!(sh -c 'pkg-config --exists fuse3 2>/dev/null && echo 1 || echo 0')"
      },
      "conditions": [
        ["has_fuse3==1 and has_smbclient==1", {
          "type": "executable",
          "sources": ["native/isofs.c"],
          "cflags": ["-std=gnu11", "-Wall", "-Wextra", "<!@(pkg-config --cflags fuse3 smbclient)"],
          "libraries": ["<!@(pkg-config --libs fuse3 smbclient)"],
          "defines": ["VZ_HAVE_SMB", "_FILE_OFFSET_BITS=64"]
        }],
        ["has_fuse3==1 and has_smbclient==0", {
          "type": "executable",
          "sources": ["native/isofs.c"],
          "cflags": ["-std=gnu11", "-Wall", "-Wextra", "<!@(pkg-config --cflags fuse3)"],
          "libraries": ["<!@(pkg-config --libs fuse3)"],
          "defines": ["_FILE_OFFSET_BITS=64"]
        }],
        ["has_fuse3==0", {
          "type": "none"
        }]
      ]
    }
  ]
}
