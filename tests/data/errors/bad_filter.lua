-- expect: unknown event kind 'explode'
timeline(function() wait_for({ kind = 'explode' }) end)
