# --- state: one JSON file holding the sequence's progress (schema: src/builds/sequence/state.ts)

function Get-VizorNow {
  # Plain strings, never [datetime]: ConvertTo-Json 5.1 writes dates as "\/Date(...)\/".
  return (Get-Date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")
}

function New-VizorState {
  param([string]$Name, [string]$Digest)
  return [pscustomobject]@{
    version   = 1
    sequence  = $Name
    digest    = $Digest
    status    = 'running'
    completed = @()
    results   = New-Object psobject
    current   = $null
    attempts  = New-Object psobject
    runs      = 0
    startedAt = Get-VizorNow
    endedAt   = $null
  }
}

function Read-VizorState {
  if (-not (Test-Path -LiteralPath $StateFile)) { return $null }
  $text = [System.IO.File]::ReadAllText($StateFile)
  $state = ConvertFrom-Json -InputObject $text
  if ($state.version -ne 1) {
    throw "state file $StateFile has version $($state.version); this engine reads version 1"
  }
  return $state
}

function Save-VizorState {
  # Written beside the real file, then moved over it: a power cut never leaves half a file.
  $json = ConvertTo-Json -InputObject $script:State -Depth 8
  $tmp = "$StateFile.tmp"
  [System.IO.File]::WriteAllText($tmp, $json, $script:Utf8)
  Move-Item -LiteralPath $tmp -Destination $StateFile -Force
}

function Get-VizorAttempts {
  param([string]$Id)
  $p = $script:State.attempts.PSObject.Properties[$Id]
  if ($p) { return [int]$p.Value }
  return 0
}

function Set-VizorAttempts {
  param([string]$Id, [int]$Count)
  $script:State.attempts | Add-Member -NotePropertyName $Id -NotePropertyValue $Count -Force
}

function Test-VizorCompleted {
  param([string]$Id)
  return (@($script:State.completed) -contains $Id)
}

function Set-VizorCurrent {
  param([string]$Id, [string]$Phase, [int]$Attempt)
  $script:State.current = [pscustomobject]@{
    id        = $Id
    phase     = $Phase
    attempt   = $Attempt
    startedAt = Get-VizorNow
  }
  Save-VizorState
}

function Set-VizorResult {
  param([string]$Id, [string]$Status)
  $result = [pscustomobject]@{ status = $Status; at = Get-VizorNow }
  $script:State.results | Add-Member -NotePropertyName $Id -NotePropertyValue $result -Force
}

function Complete-VizorState {
  param([string]$Id, [string]$Status)
  $script:State.completed = @(@($script:State.completed) + $Id)
  Set-VizorResult -Id $Id -Status $Status
  $script:State.current = $null
  Save-VizorState
}

function Close-VizorState {
  param([string]$Status)
  $script:State.status = $Status
  $script:State.endedAt = Get-VizorNow
  Save-VizorState
}
