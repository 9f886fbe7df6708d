# Installs the platform's PV/guest tools from the attached tools CD, silently, and waits.
$installer = Find-VizorToolsInstaller
if (-not $installer) { throw 'the guest-tools CD is gone' }
"installing $($installer.platform) tools: $($installer.path) (volume $($installer.volume))"
# 3010 and 1641: installed, a reboot is needed (the task reboots when it is done).
$ok = @(0, 3010, 1641)
if ($installer.path -like '*.msi') {
  $log = Join-Path $env:ProgramData 'vizor\pv-tools-msi.log'
  $arguments = @('/i', $installer.path, '/quiet', '/norestart', '/l*v', $log) + @($installer.args)
  Invoke-VizorNative -FilePath "$env:SystemRoot\System32\msiexec.exe" -ArgumentList $arguments -SuccessCodes $ok
} else {
  Invoke-VizorNative -FilePath $installer.path -ArgumentList @($installer.args) -SuccessCodes $ok
}
"installer exit code $global:VizorExitCode"
