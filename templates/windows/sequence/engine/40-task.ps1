# --- tasks: pre decides whether to run, script must succeed, post may only warn

function Complete-VizorTask {
  param([string]$Stage, $Task, [string]$Status, [string]$Message, [int]$Attempt, [switch]$Reboot)
  Complete-VizorState -Id $Task.id -Status $Status
  Send-VizorEvent -Stage $Stage -Task $Task.name -Phase end -Status $Status -Message $Message `
    -Attempt $Attempt -Reboot:$Reboot
}

function Invoke-VizorTask {
  # Returns 'ok', 'warning', 'skipped' or 'failed'. Attempts are counted in the state
  # file, so a task interrupted by a reboot or crash is re-run, but never endlessly.
  param([string]$Stage, $Task)
  $id = [string]$Task.id
  $limit = [int]$Task.retries + 1
  $attempt = (Get-VizorAttempts $id) + 1
  if ($attempt -gt $limit) {
    $why = "gave up after $($attempt - 1) attempt(s) (retries: $($Task.retries)); the last one was interrupted"
    Set-VizorResult -Id $id -Status failed
    Send-VizorEvent -Stage $Stage -Task $Task.name -Phase end -Status failed -Message $why -Attempt ($attempt - 1)
    return 'failed'
  }
  Set-VizorAttempts $id $attempt
  Set-VizorCurrent -Id $id -Phase 'pre' -Attempt $attempt
  Send-VizorEvent -Stage $Stage -Task $Task.name -Phase start -Attempt $attempt

  if ($Task.pre) {
    $failure = Invoke-VizorPhase -Stage $Stage -Task $Task -Phase 'pre' -Text $Task.pre -Attempt $attempt
    if ($failure) {
      Complete-VizorTask -Stage $Stage -Task $Task -Status skipped -Message $failure -Attempt $attempt
      return 'skipped'
    }
  }

  while ($Task.script) {
    Set-VizorCurrent -Id $id -Phase 'script' -Attempt $attempt
    $failure = Invoke-VizorPhase -Stage $Stage -Task $Task -Phase 'script' -Text $Task.script -Attempt $attempt
    if (-not $failure) { break }
    if ($attempt -ge $limit) {
      Set-VizorResult -Id $id -Status failed
      Send-VizorEvent -Stage $Stage -Task $Task.name -Phase end -Status failed -Message $failure -Attempt $attempt
      return 'failed'
    }
    $wait = [Math]::Min(120, 15 * $attempt)
    Send-VizorEvent -Stage $Stage -Task $Task.name -Phase log -Attempt $attempt `
      -Message "attempt $attempt of $limit failed ($failure); trying again in $wait s"
    Start-Sleep -Seconds $wait
    $attempt++
    Set-VizorAttempts $id $attempt
  }

  $status = 'ok'
  $message = $null
  if ($Task.post) {
    Set-VizorCurrent -Id $id -Phase 'post' -Attempt $attempt
    $failure = Invoke-VizorPhase -Stage $Stage -Task $Task -Phase 'post' -Text $Task.post -Attempt $attempt
    if ($failure) {
      $status = 'warning'
      $message = $failure
    }
  }
  $rebooting = [bool]$Task.reboot
  Complete-VizorTask -Stage $Stage -Task $Task -Status $status -Message $message -Attempt $attempt -Reboot:$rebooting
  return $status
}

function Invoke-VizorSeal {
  # The sysprep task: its pre may still skip it; then the engine's files are removed so
  # the template carries neither the state nor the token, and sysprep shuts the VM down.
  param([string]$Stage, $Task)
  Send-VizorEvent -Stage $Stage -Task $Task.name -Phase start -Attempt 1
  if ($Task.pre) {
    $failure = Invoke-VizorPhase -Stage $Stage -Task $Task -Phase 'pre' -Text $Task.pre -Attempt 1
    if ($failure) {
      Send-VizorEvent -Stage $Stage -Task $Task.name -Phase end -Status skipped -Message $failure -Attempt 1
      Invoke-VizorFlush -Attempts 6 -Force | Out-Null
      return
    }
  }
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
  foreach ($file in @($StateFile, $script:LogFile, $script:Outbox, $PSCommandPath)) {
    if ($file) { Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue }
  }
  $failure = Invoke-VizorPhase -Stage $Stage -Task $Task -Phase 'script' -Text $Task.script -Attempt 1
  if (-not $failure) { $failure = 'sysprep returned without shutting the machine down' }
  Send-VizorEvent -Stage $Stage -Task $Task.name -Phase end -Status failed -Message $failure -Attempt 1
  Invoke-VizorFlush -Attempts 6 -Force | Out-Null
}
