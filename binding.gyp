# Builds build/Release/vizor_smb.node (SMB client over libsmbclient) during `npm ci`.
# Without libsmbclient-dev (pkg-config smbclient) the target builds nothing, so the rest
# of vizor still installs; SMB then fails at run time with SMB_NATIVE_MISSING.
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
    }
  ]
}
