# --- phases: each pre/script/post runs in a background job (its own powershell.exe), so a
# timeout can stop it and its output can be reported while it runs.

# Runs inside the job. $With (the task's values), $Task (id, name, stage, phase, attempt)
# and Invoke-VizorNative are visible to the phase's script.
$script:PhaseRunner = {
  param([string]$Text, [string]$WithJson, [string]$TaskJson)
  $ErrorActionPreference = 'Stop'
  $ProgressPreference = 'SilentlyContinue'
  $With = ConvertFrom-Json -InputObject $WithJson
  $Task = ConvertFrom-Json -InputObject $TaskJson

  function Invoke-VizorNative {
    # Runs a program, writes its output, throws unless its exit code is a success code.
    # Output goes through files: under 'Stop', Windows PowerShell turns a native
    # program's stderr line into a terminating error.
    param(
      [Parameter(Mandatory = $true)][string]$FilePath,
      [string[]]$ArgumentList = @(),
      [int[]]$SuccessCodes = @(0)
    )
    $out = [System.IO.Path]::GetTempFileName()
    $err = [System.IO.Path]::GetTempFileName()
    try {
      $quoted = @($ArgumentList | ForEach-Object {
          if ($_ -match '\s' -and $_ -notmatch '"') { '"' + $_ + '"' } else { $_ }
        })
      $start = @{ FilePath = $FilePath; Wait = $true; PassThru = $true; NoNewWindow = $true
        RedirectStandardOutput = $out; RedirectStandardError = $err }
      # Start-Process refuses an empty -ArgumentList.
      if ($quoted.Count -gt 0) { $start.ArgumentList = ($quoted -join ' ') }
      $process = Start-Process @start
      [System.IO.File]::ReadAllLines($out)
      [System.IO.File]::ReadAllLines($err)
      $global:VizorExitCode = $process.ExitCode
      if ($SuccessCodes -notcontains $process.ExitCode) {
        throw "$FilePath exited with code $($process.ExitCode)"
      }
    } finally {
      Remove-Item -LiteralPath $out, $err -Force -ErrorAction SilentlyContinue
    }
  }

  $global:LASTEXITCODE = 0
  & ([scriptblock]::Create($Text)) | Out-String -Stream -Width 200
  # A native program run with & that ended non-zero fails the phase, as a throw does.
  if ($global:LASTEXITCODE) { throw "the last program run exited with code $global:LASTEXITCODE" }
}

function Invoke-VizorPhase {
  # Runs one phase of a task; returns $null on success or the reason it failed.
  param([string]$Stage, $Task, [string]$Phase, [string]$Text, [int]$Attempt)
  $minutes = [int]$Task.timeoutMinutes
  $deadline = (Get-Date).AddMinutes($minutes)
  $context = ConvertTo-Json -Compress -InputObject ([ordered]@{
      id = $Task.id; name = $Task.name; stage = $Stage; phase = $Phase; attempt = $Attempt })
  $withJson = ConvertTo-Json -Compress -Depth 8 -InputObject $Task.with
  $job = Start-Job -ScriptBlock $script:PhaseRunner -ArgumentList $Text, $withJson, $context
  $failure = $null
  try {
    while ($true) {
      $finished = Wait-Job -Job $job -Timeout 30
      $jobErrors = $null
      try {
        $lines = @(Receive-Job -Job $job -ErrorAction SilentlyContinue -ErrorVariable jobErrors)
      } catch {
        $lines = @("ERROR: $($_.Exception.Message)")
      }
      $output = (@($lines) + @($jobErrors | ForEach-Object { "ERROR: $_" })) -join "`r`n"
      if ($output.Trim()) {
        Send-VizorEvent -Stage $Stage -Task $Task.name -Phase log -Attempt $Attempt -Message "${Phase}: $output"
      }
      if ($finished) { break }
      if ((Get-Date) -gt $deadline) {
        Stop-Job -Job $job
        $failure = "$Phase timed out after $minutes minutes"
        break
      }
    }
    if (-not $failure -and $job.State -ne 'Completed') {
      $reason = $job.ChildJobs[0].JobStateInfo.Reason
      if ($reason) { $failure = "${Phase}: $($reason.Message)" } else { $failure = "${Phase}: job ended $($job.State)" }
    }
  } finally {
    Remove-Job -Job $job -Force -ErrorAction SilentlyContinue
  }
  return $failure
}
