<#
.SYNOPSIS
  vizor provisioner sequence engine (Windows PowerShell 5.1).
.DESCRIPTION
  Fetches <Base>/callbacks/<Token>/sequence.json, runs its stages and tasks in order,
  keeps its progress in one JSON state file, reports every step to
  <Base>/callbacks/<Token>/event (through a local outbox while vizor is unreachable) and
  resumes after each reboot from the scheduled task "vizor-sequence" (at startup, as
  SYSTEM). vizor serves this file as one script assembled from engine/*.ps1.
.PARAMETER Register
  Register the scheduled task, start it, and return: what FirstLogonCommands run, so
  every pass of the sequence runs as SYSTEM.
.PARAMETER Retry
  Run again a sequence that failed: the failed task gets a fresh set of attempts.
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string]$Base,
  [Parameter(Mandatory = $true)][string]$Token,
  [string]$StateFile = (Join-Path $env:ProgramData 'vizor\state.json'),
  [switch]$Register,
  [switch]$Retry,
  [int]$FetchAttempts = 60
)

$ErrorActionPreference = 'Stop'
# Progress bars make Invoke-WebRequest many times slower in Windows PowerShell.
$ProgressPreference = 'SilentlyContinue'
# Windows PowerShell 5.1 serialises some arrays as {"value":[...],"Count":n} because of
# this type data; without it ConvertTo-Json writes plain JSON arrays.
Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue

$script:Dir = Split-Path -Parent $StateFile
$script:Outbox = Join-Path $script:Dir 'outbox.jsonl'
$script:LogFile = Join-Path $script:Dir 'sequence.log'
$script:TaskName = 'vizor-sequence'
$script:EventUri = "$Base/callbacks/$Token/event"
$script:DocumentUri = "$Base/callbacks/$Token/sequence.json"
$script:Utf8 = New-Object System.Text.UTF8Encoding($false)
$script:Secrets = @($Token)
$script:State = $null
$script:NextFlush = [datetime]::MinValue
