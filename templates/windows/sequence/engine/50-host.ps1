# --- host: the scheduled task that resumes the engine, reboots, fetching the document

function Register-VizorTask {
  # A task at startup as SYSTEM rather than HKLM RunOnce: it needs no autologon, runs
  # elevated in every pass, and is not deleted before it runs, so a crash mid-pass is
  # resumed at the next boot too.
  if (-not $PSCommandPath) { throw 'run the engine from a file (powershell.exe -File): the scheduled task needs its path' }
  $arguments = '-NoProfile -ExecutionPolicy Bypass -File "{0}" -Base "{1}" -Token "{2}" -StateFile "{3}"' -f `
    $PSCommandPath, $Base, $Token, $StateFile
  $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $arguments
  $trigger = New-ScheduledTaskTrigger -AtStartup
  $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
  $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
    -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit ([TimeSpan]::Zero)
  Register-ScheduledTask -TaskName $script:TaskName -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Force | Out-Null
}

function Unregister-VizorTask {
  try {
    Unregister-ScheduledTask -TaskName $script:TaskName -Confirm:$false -ErrorAction Stop
  } catch {
    Write-VizorLog "no scheduled task to remove: $($_.Exception.Message)"
  }
}

function Lock-VizorEngine {
  # One engine at a time: the startup task and a hand-started run must not interleave.
  $script:Mutex = New-Object System.Threading.Mutex($false, 'Global\vizor-sequence')
  try {
    return $script:Mutex.WaitOne(0)
  } catch [System.Threading.AbandonedMutexException] {
    return $true
  }
}

function Restart-VizorMachine {
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
  Write-VizorLog 'rebooting'
  Restart-Computer -Force
  # Restart-Computer returns at once: wait here so no further task starts meanwhile.
  Start-Sleep -Seconds 900
  exit 0
}

function Get-VizorDocument {
  # Network may come up after the startup task: back off and try for about an hour.
  $delay = 5
  for ($try = 1; $try -le $FetchAttempts; $try++) {
    try {
      $doc = Invoke-RestMethod -UseBasicParsing -Uri $script:DocumentUri -TimeoutSec 30
      if ($doc.format -ne 'vizor-sequence/1') {
        throw "vizor served a sequence of format '$($doc.format)'; this engine reads vizor-sequence/1"
      }
      return $doc
    } catch {
      Write-VizorLog "fetching the sequence failed (try $try of $FetchAttempts): $($_.Exception.Message)"
      if ($try -ge $FetchAttempts) { throw }
      Start-Sleep -Seconds $delay
      $delay = [Math]::Min(60, $delay * 2)
    }
  }
}

function Get-VizorSecrets {
  # Values the document marks secret (share passwords...) never leave in a report.
  param($Document)
  $values = @($Token)
  foreach ($stage in @($Document.stages)) {
    foreach ($t in @($stage.tasks)) {
      foreach ($key in @($t.secrets)) {
        $value = $t.with.$key
        if ($value) { $values += [string]$value }
      }
    }
  }
  return $values
}
