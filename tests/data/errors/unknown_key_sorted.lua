-- expect: expect{}: unknown key 'alpha'
-- Several unknown keys: the first in sorted order is named, in every process.
expect { zulu = 1, yankee = 1, mike = 1, alpha = 1, tango = 1, kilo = 1, bravo = 1, violations = 0 }
