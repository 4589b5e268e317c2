-- expect: unknown key 'lossy'
network { lossy = 0.5 }
