# --- events: every report goes to a local outbox first, then to vizor when it answers

function Protect-VizorText {
  param([string]$Text)
  if (-not $Text) { return '' }
  foreach ($secret in $script:Secrets) {
    if ($secret) { $Text = $Text.Replace([string]$secret, '[redacted]') }
  }
  # Keep the end of long output: that is where installers say what went wrong.
  if ($Text.Length -gt 8000) { $Text = '[truncated] ' + $Text.Substring($Text.Length - 8000) }
  return $Text
}

function Write-VizorLog {
  param([string]$Text)
  $line = (Get-VizorNow) + ' ' + (Protect-VizorText $Text)
  try { [System.IO.File]::AppendAllText($script:LogFile, $line + "`r`n", $script:Utf8) } catch { }
}

function Send-VizorPost {
  # Returns 'sent', 'dropped' (vizor refused this event for good) or 'retry'.
  param([string]$Json)
  try {
    # Bytes, not a string: Windows PowerShell would send a string body as ISO-8859-1.
    $body = $script:Utf8.GetBytes($Json)
    Invoke-RestMethod -UseBasicParsing -Method Post -Uri $script:EventUri -Body $body `
      -ContentType 'application/json; charset=utf-8' -TimeoutSec 15 | Out-Null
    return 'sent'
  } catch {
    $code = 0
    $response = $_.Exception.Response
    if ($response) { $code = [int]$response.StatusCode }
    if ($code -ge 400 -and $code -lt 500 -and $code -ne 408 -and $code -ne 429) {
      Write-VizorLog "vizor refused an event with HTTP $code; dropped it"
      return 'dropped'
    }
    return 'retry'
  }
}

function Invoke-VizorFlush {
  # Sends the outbox in order; stops at the first event vizor does not take. After a
  # failure it waits a minute before trying again unless -Force, so a vizor that is down
  # costs each event one local write, not a network timeout.
  param([int]$Attempts = 1, [switch]$Force)
  if (-not $Force -and (Get-Date) -lt $script:NextFlush) { return $false }
  for ($try = 1; $try -le $Attempts; $try++) {
    if (-not (Test-Path -LiteralPath $script:Outbox)) { return $true }
    $lines = @([System.IO.File]::ReadAllLines($script:Outbox) | Where-Object { $_.Trim() })
    $sent = 0
    foreach ($line in $lines) {
      if ((Send-VizorPost $line) -eq 'retry') { break }
      $sent++
    }
    if ($sent -ge $lines.Count) {
      Remove-Item -LiteralPath $script:Outbox -Force
      return $true
    }
    if ($sent -gt 0) {
      $rest = $lines[$sent..($lines.Count - 1)]
      $tmp = "$($script:Outbox).tmp"
      [System.IO.File]::WriteAllLines($tmp, [string[]]$rest, $script:Utf8)
      Move-Item -LiteralPath $tmp -Destination $script:Outbox -Force
    }
    $script:NextFlush = (Get-Date).AddSeconds(60)
    if ($try -lt $Attempts) { Start-Sleep -Seconds ([Math]::Min(30, 5 * $try)) }
  }
  return $false
}

function Send-VizorEvent {
  param(
    [string]$Stage,
    [string]$Task,
    [ValidateSet('start', 'end', 'log')][string]$Phase,
    [string]$Status,
    [string]$Message,
    [int]$Attempt = 0,
    [switch]$Reboot
  )
  $evt = [ordered]@{
    id      = [guid]::NewGuid().ToString()
    stage   = $Stage
    phase   = $Phase
    attempt = $Attempt
    at      = Get-VizorNow
  }
  if ($Task) { $evt.task = $Task }
  if ($Status) { $evt.status = $Status }
  if ($Message) { $evt.message = Protect-VizorText $Message }
  if ($Reboot) { $evt.reboot = $true }
  Write-VizorLog ("{0}/{1} {2} {3} {4}" -f $Stage, $Task, $Phase, $Status, $Message)
  $json = ConvertTo-Json -InputObject $evt -Compress -Depth 3
  [System.IO.File]::AppendAllText($script:Outbox, $json + "`n", $script:Utf8)
  Invoke-VizorFlush | Out-Null
}
