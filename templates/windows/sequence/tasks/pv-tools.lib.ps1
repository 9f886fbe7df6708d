# pv-tools helpers, prepended to every phase of a pv-tools task.

# Guest-tools installers vizor knows, most specific first. 'needs' lists files that must
# sit beside the installer, so a Windows install DVD's setup.exe is never taken for one.
$VizorToolsInstallers = @(
  @{ platform = 'xenserver'; file = 'managementagentx64.msi'; x64 = $true
    args = @('ALLOWAUTOUPDATE=NO', 'ALLOWDRIVERINSTALL=YES', 'ALLOWDRIVERUPDATE=NO', 'IDENTIFYAUTOUPDATE=NO') },
  @{ platform = 'xenserver'; file = 'managementagentx86.msi'; x64 = $false
    args = @('ALLOWAUTOUPDATE=NO', 'ALLOWDRIVERINSTALL=YES', 'ALLOWDRIVERUPDATE=NO', 'IDENTIFYAUTOUPDATE=NO') },
  @{ platform = 'xenserver'; file = 'installwizard.msi'; args = @() },
  @{ platform = 'virtio'; file = 'virtio-win-guest-tools.exe'; args = @('/install', '/quiet', '/norestart') },
  @{ platform = 'ovirt'; file = 'ovirt-guest-tools-setup.exe'; args = @('/S') },
  @{ platform = 'vmware'; file = 'setup64.exe'; x64 = $true; args = @('/S', '/v', '"/qn REBOOT=R"') },
  @{ platform = 'xenserver'; file = 'setup.exe'; label = '(?i)xen|xcp|citrix|guest.?tools'; args = @('/quiet', '/norestart') }
)

# Services whose presence means the tools are already installed.
$VizorToolsServices = @('XenSvc', 'XenAgent', 'QEMU-GA', 'ovirt-guest-agent', 'VMTools')

function Find-VizorToolsInstaller {
  $is64 = [Environment]::Is64BitOperatingSystem
  $drives = @(Get-CimInstance -ClassName Win32_LogicalDisk -Filter 'DriveType = 5' | Where-Object { $_.VolumeName })
  foreach ($known in $VizorToolsInstallers) {
    if ($known.ContainsKey('x64') -and $known.x64 -ne $is64) { continue }
    foreach ($drive in $drives) {
      if ($known.ContainsKey('label') -and $drive.VolumeName -notmatch $known.label) { continue }
      $path = Join-Path ($drive.DeviceID + '\') $known.file
      if (Test-Path -LiteralPath $path) {
        return [pscustomobject]@{ platform = $known.platform; path = $path; args = $known.args; volume = $drive.VolumeName }
      }
    }
  }
  return $null
}

function Get-VizorToolsService {
  foreach ($name in $VizorToolsServices) {
    if (Get-Service -Name $name -ErrorAction SilentlyContinue) { return $name }
  }
  return $null
}
