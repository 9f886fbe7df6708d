# --- main

New-Item -ItemType Directory -Force -Path $script:Dir | Out-Null

if ($Register) {
  Register-VizorTask
  Start-ScheduledTask -TaskName $script:TaskName
  exit 0
}

if (-not (Lock-VizorEngine)) {
  Write-VizorLog 'another vizor-sequence engine is running; leaving it alone'
  exit 0
}

try {
  $script:State = Read-VizorState
} catch {
  # A state file this engine cannot read: stop here rather than redo finished tasks.
  $fault = "cannot read the state file: $($_.Exception.Message)"
  Write-VizorLog $fault
  Send-VizorEvent -Stage sequence -Phase end -Status failed -Message $fault
  Unregister-VizorTask
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
  exit 1
}
if ($script:State -and $script:State.status -ne 'running') {
  if ($Retry -and $script:State.status -eq 'failed') {
    if ($script:State.current) { Set-VizorAttempts ([string]$script:State.current.id) 0 }
    $script:State.status = 'running'
    $script:State.endedAt = $null
    Save-VizorState
  } else {
    Write-VizorLog "the sequence is already $($script:State.status); nothing to do (-Retry runs a failed one again)"
    Unregister-VizorTask
    exit 0
  }
}

try {
  $doc = Get-VizorDocument
} catch {
  # The scheduled task stays registered: the next boot tries again.
  Write-VizorLog "giving up on fetching the sequence for now: $($_.Exception.Message)"
  exit 1
}
$script:Secrets = Get-VizorSecrets $doc

try {
  if (-not $script:State) { $script:State = New-VizorState -Name $doc.name -Digest $doc.digest }
  $script:State.runs = [int]$script:State.runs + 1
  Save-VizorState
  Register-VizorTask
  $note = 'started'
  if ($script:State.runs -gt 1) { $note = "resumed (run $($script:State.runs))" }
  if ($script:State.digest -ne $doc.digest) { $note += '; the sequence changed since the first run: finished tasks are matched by stage/task name' }
  Send-VizorEvent -Stage sequence -Phase start -Message $note

  $steps = @(foreach ($s in @($doc.stages)) { foreach ($t in @($s.tasks)) { [pscustomobject]@{ stage = $s.name; task = $t } } })
  $seal = $null
  $last = $steps[$steps.Count - 1]
  if ($last.task.uses -eq 'sysprep') { $seal = $last }

  foreach ($step in $steps) {
    if ($seal -and $step.task.id -eq $seal.task.id) { break }
    if (Test-VizorCompleted $step.task.id) { continue }
    $result = Invoke-VizorTask -Stage $step.stage -Task $step.task
    if ($result -eq 'failed') {
      Close-VizorState 'failed'
      Send-VizorEvent -Stage sequence -Phase end -Status failed -Message "task $($step.task.id) failed"
      Unregister-VizorTask
      Invoke-VizorFlush -Attempts 6 -Force | Out-Null
      exit 1
    }
    if ($step.task.reboot -and $result -ne 'skipped') { Restart-VizorMachine }
  }

  Close-VizorState 'done'
  Send-VizorEvent -Stage sequence -Phase end -Status ok
  Unregister-VizorTask
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
  if ($seal) { Invoke-VizorSeal -Stage $seal.stage -Task $seal.task }
  exit 0
} catch {
  # An engine fault, not a task failure: end the sequence rather than loop on reboots.
  $fault = "engine error: $($_.Exception.Message) at line $($_.InvocationInfo.ScriptLineNumber)"
  Write-VizorLog $fault
  if ($script:State) { Close-VizorState 'failed' }
  Send-VizorEvent -Stage sequence -Phase end -Status failed -Message $fault
  Unregister-VizorTask
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
  exit 1
}
