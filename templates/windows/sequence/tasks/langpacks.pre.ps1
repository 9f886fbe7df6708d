# Skips the task when the build asked for no language packs.
if (-not @($With.packages | Where-Object { $_ }).Count) { throw 'no language packs requested' }
