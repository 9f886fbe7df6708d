# Skips the task when no regional setting was given.
$keys = @('systemLocale', 'userLanguages', 'culture', 'homeLocation', 'timeZone')
if (-not @($keys | Where-Object { $With.$_ }).Count) { throw 'no regional settings requested' }
