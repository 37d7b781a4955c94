-- class: 2, C code that no limit inside Lua sees (the tests' stand-in loops in C for ever): the watchdog ends it
-- error: time limit exceeded: the script ran for more than 2 seconds without waiting, and the host had to end the process that ran it
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    s:show("før")
    kftest.spin()
  end }
