-- expect: sleep_outside.lua:2: sleep() works only inside timeline
sleep('1s')
