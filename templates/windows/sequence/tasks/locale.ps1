# Sets system locale, language list, culture, home location and time zone, then copies
# them to the welcome screen and new users (the engine runs as SYSTEM: "current user"
# settings are SYSTEM's until copied).
if ($With.systemLocale) {
  Set-WinSystemLocale -SystemLocale $With.systemLocale
  "system locale: $($With.systemLocale) (applies after a reboot)"
}
$languages = @($With.userLanguages | Where-Object { $_ })
if ($languages.Count) {
  $list = New-WinUserLanguageList -Language $languages[0]
  foreach ($language in ($languages | Select-Object -Skip 1)) { $list.Add($language) }
  Set-WinUserLanguageList -LanguageList $list -Force
  "language list: $($languages -join ', ')"
}
if ($With.culture) {
  Set-Culture -CultureInfo $With.culture
  "culture: $($With.culture)"
}
if ($With.homeLocation) {
  Set-WinHomeLocation -GeoId ([int]$With.homeLocation)
  "home location: $($With.homeLocation)"
}
if ($With.timeZone) {
  Invoke-VizorNative -FilePath "$env:SystemRoot\System32\tzutil.exe" -ArgumentList @('/s', [string]$With.timeZone)
  "time zone: $($With.timeZone)"
}
if ($With.copyToDefaultUser -ne $false) {
  if (Get-Command -Name Copy-UserInternationalSettingsToSystem -ErrorAction SilentlyContinue) {
    Copy-UserInternationalSettingsToSystem -WelcomeScreen $true -NewUser $true
  } else {
    # Before Windows 11: the intl.cpl answer file is the supported way to copy them.
    $xml = Join-Path $env:ProgramData 'vizor\intl.xml'
    $culture = ''
    if ($With.culture) {
      $culture = '<gs:UserLocale><gs:Locale Name="{0}" SetAsCurrent="true"/></gs:UserLocale>' -f [Security.SecurityElement]::Escape([string]$With.culture)
    }
    $body = @'
<gs:GlobalizationServices xmlns:gs="urn:longhornGlobalizationUnattend">
  <gs:UserList><gs:User UserID="Current" CopySettingsToDefaultUserAcct="true" CopySettingsToSystemAcct="true"/></gs:UserList>
  {0}
</gs:GlobalizationServices>
'@ -f $culture
    [System.IO.File]::WriteAllText($xml, $body, (New-Object System.Text.UTF8Encoding($false)))
    Invoke-VizorNative -FilePath "$env:SystemRoot\System32\control.exe" -ArgumentList @("intl.cpl,,/f:`"$xml`"")
    # control.exe hands the file to intl.cpl and returns before it is applied.
    Start-Sleep -Seconds 15
    Remove-Item -LiteralPath $xml -Force -ErrorAction SilentlyContinue
  }
  'copied the regional settings to the welcome screen and new users'
}
