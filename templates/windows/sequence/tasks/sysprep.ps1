# Generalizes the machine and shuts it down: the last task of a sequence, run by the
# engine after it has reported the sequence done.
$exe = Join-Path $env:SystemRoot 'System32\Sysprep\sysprep.exe'
$arguments = @('/oobe', '/shutdown', '/quiet')
if ($With.generalize -ne $false) { $arguments = @('/generalize') + $arguments }
$unattend = $null
if ($With.unattendUrl) {
  $unattend = Join-Path $env:SystemRoot 'Panther\vizor-sysprep.xml'
  Invoke-WebRequest -UseBasicParsing -Uri ([string]$With.unattendUrl) -OutFile $unattend -TimeoutSec 60
} elseif ($With.unattend) {
  $unattend = [string]$With.unattend
  if (-not (Test-Path -LiteralPath $unattend)) { throw "sysprep answer file $unattend does not exist" }
}
if ($unattend) { $arguments += "/unattend:$unattend" }
"running sysprep $($arguments -join ' ')"
try {
  Invoke-VizorNative -FilePath $exe -ArgumentList $arguments
} catch {
  $log = Join-Path $env:SystemRoot 'System32\Sysprep\Panther\setuperr.log'
  $tail = ''
  if (Test-Path -LiteralPath $log) { $tail = (Get-Content -LiteralPath $log -Tail 20) -join "`r`n" }
  throw "$($_.Exception.Message); setuperr.log: $tail"
}
# sysprep /shutdown powers the machine off right after it returns.
Start-Sleep -Seconds 600
throw 'sysprep succeeded but the machine is still running after 10 minutes'
