/// The words of the pages, in Danish and English.
enum Labels {
    static func of(_ language: String) -> [String: String] { language == "en" ? en : da }

    static let da: [String: String] = [
        "lang": "da", "join": "Deltag", "joinTitle": "Deltag i en session", "code": "Kode",
        "codeHint": "Koden står på skærmen, fx K7P2QX", "name": "Dit navn", "area": "Dit område",
        "language": "Sprog", "go": "Gå til sessionen", "send": "Send", "answered": "Dit svar",
        "waiting": "Vent på næste trin …", "lobby": "Du er med. Vi starter om lidt.",
        "finished": "Sessionen er slut. Tak fordi du var med!", "failed": "Sessionen stoppede med en fejl",
        "yourGroup": "Din gruppe", "group": "Gruppe", "you": "dig", "youHelp": "Du hjælper",
        "helpsYou": "hjælper dig med", "across": "på tværs af områder", "role": "Din rolle",
        "listenOnly": "Du lytter i denne runde – du bliver ikke spurgt.", "left": "tilbage",
        "offline": "Forbindelsen er væk – prøver igen …", "scale": "Vælg et tal", "rank": "Placering",
        "trainer": "Træner", "console": "Trænerens konsol", "screen": "Storskærm", "joined": "deltagere",
        "answers": "svar", "of": "af", "advance": "Videre", "stepBack": "Et skridt tilbage", "end": "Afslut session",
        "extend": "+1 min", "skip": "Spring over", "remove": "Fjern", "people": "Deltagere",
        "questions": "Åbne spørgsmål", "timers": "Timere", "programme": "Program", "measures": "Målinger",
        "download": "Hent data (JSON)", "transcript": "Hent forløb (tekst)", "newSession": "Ny session",
        "exercise": "Øvelse", "areas": "Områder (ét per linje)", "create": "Opret session",
        "sessions": "Sessioner", "openConsole": "Konsol", "openScreen": "Storskærm", "present": "til stede",
        "gone": "gået", "joinAt": "Deltag på", "withCode": "med koden",
        "noToken": "Åbn linket som kommandoen `kraftfelt serve` skrev ud (med #token=…).",
        "parameters": "Parametre (navn=værdi, én per linje)", "more": "flere", "waitsForYou": "Venter på dig",
        "unknownCode": "Ingen åben session har den kode. Tjek koden på skærmen.",
        "choose": "Vælg …", "other": "English", "skipLink": "Gå til indholdet", "nameCol": "Navn", "areaCol": "Område",
        "roleCol": "Rolle",
    ]

    static let en: [String: String] = [
        "lang": "en", "join": "Join", "joinTitle": "Join a session", "code": "Code",
        "codeHint": "The code is on the screen, e.g. K7P2QX", "name": "Your name", "area": "Your area",
        "language": "Language", "go": "Go to the session", "send": "Send", "answered": "Your answer",
        "waiting": "Wait for the next step …", "lobby": "You are in. We start in a moment.",
        "finished": "The session has ended. Thank you for taking part!", "failed": "The session stopped with an error",
        "yourGroup": "Your group", "group": "Group", "you": "you", "youHelp": "You help",
        "helpsYou": "helps you with", "across": "across areas", "role": "Your role",
        "listenOnly": "You listen in this round – you will not be asked.", "left": "left",
        "offline": "The connection is lost – trying again …", "scale": "Choose a number", "rank": "Place",
        "trainer": "Trainer", "console": "Trainer's console", "screen": "Beamer", "joined": "joined",
        "answers": "answers", "of": "of", "advance": "Advance", "stepBack": "Step back", "end": "End session",
        "extend": "+1 min", "skip": "Skip", "remove": "Remove", "people": "People",
        "questions": "Open questions", "timers": "Timers", "programme": "Programme", "measures": "Measures",
        "download": "Download data (JSON)", "transcript": "Download transcript (text)", "newSession": "New session",
        "exercise": "Exercise", "areas": "Areas (one per line)", "create": "Create session",
        "sessions": "Sessions", "openConsole": "Console", "openScreen": "Beamer", "present": "here",
        "gone": "gone", "joinAt": "Join at", "withCode": "with the code",
        "noToken": "Open the link `kraftfelt serve` printed (with #token=…).",
        "parameters": "Parameters (name=value, one per line)", "more": "more", "waitsForYou": "Waits for you",
        "unknownCode": "No open session has that code. Check the code on the screen.",
        "choose": "Choose …", "other": "Dansk", "skipLink": "Skip to content", "nameCol": "Name", "areaCol": "Area",
        "roleCol": "Role",
    ]
}
