# Skips the task (pre fails) when the tools are installed already or no tools CD is attached.
$service = Get-VizorToolsService
if ($service) { throw "guest tools are installed already (service $service is present)" }
if (-not (Find-VizorToolsInstaller)) {
  throw 'no guest-tools installer on any CD drive (looked for managementagentx64.msi, installwizard.msi, virtio-win-guest-tools.exe, ovirt-guest-tools-setup.exe, setup64.exe, setup.exe on a tools volume)'
}
