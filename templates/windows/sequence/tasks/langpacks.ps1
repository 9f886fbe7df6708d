# Adds each language pack with DISM, reading it from vizor's share with the given credentials.
$packages = @($With.packages | Where-Object { $_ })
$shares = @{}
foreach ($package in $packages) {
  if ($package -match '^(\\\\[^\\]+\\[^\\]+)') { $shares[$Matches[1]] = $true }
}
$mapped = @()
try {
  if ($With.user) {
    foreach ($share in $shares.Keys) {
      # A connection without a drive letter: DISM then reads the UNC path through it.
      Remove-SmbMapping -RemotePath $share -Force -ErrorAction SilentlyContinue
      New-SmbMapping -RemotePath $share -UserName ([string]$With.user) -Password ([string]$With.password) | Out-Null
      $mapped += $share
      "connected to $share as $($With.user)"
    }
  }
  foreach ($package in $packages) {
    "adding $package"
    Invoke-VizorNative -FilePath "$env:SystemRoot\System32\dism.exe" -SuccessCodes @(0, 3010) `
      -ArgumentList @('/Online', '/Add-Package', "/PackagePath:$package", '/Quiet', '/NoRestart')
  }
} finally {
  foreach ($share in $mapped) { Remove-SmbMapping -RemotePath $share -Force -ErrorAction SilentlyContinue }
}
