-- The seed workshop end to end: "Netværksorganisering – fra krydspres til kraftfelter".

return kf.programme {
  id = "netvaerksorganisering",
  title = { da = "Netværksorganisering – fra krydspres til kraftfelter",
            en = "Network organisation – from cross-pressure to force fields" },
  exercises = {
    "maaling",
    "professionel-praksis",
    "spoergsmaal-paa-tvaers",
    "summegrupper",
    "opfoelgning",
    "faelles-spoergsmaal",
    "maaling",   -- again at the end: the report pairs each person's before with their after
  },
}
