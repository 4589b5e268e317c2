-- expect: include(): '/etc/passwd' is not a .lua file
include("/etc/passwd")
