import KraftfeltStore

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
        "download": "Hent data (JSON)", "report": "Hent rapport (HTML)",
        "anonymousJoin": "Denne session er anonym: du får et dæknavn, og dit navn bliver ikke gemt.",
        "anonymousCreate": "Anonym session: deltagerne får dæknavne (Deltager 1, 2, …), og ingen navne gemmes",
        "transcript": "Hent forløb (tekst)",
        "newSession": "Ny session",
        "exercise": "Øvelse", "areas": "Områder (ét per linje)", "create": "Opret session",
        "sessions": "Sessioner", "openConsole": "Konsol", "openScreen": "Storskærm", "present": "til stede",
        "gone": "gået", "joinAt": "Deltag på", "withCode": "med koden",
        "noToken": "Åbn linket som kommandoen `kraftfelt serve` skrev ud (med #token=…).",
        "parameters": "Parametre (navn=værdi, én per linje)", "more": "flere", "waitsForYou": "Venter på dig",
        "unknownCode": "Ingen åben session har den kode. Tjek koden på skærmen.",
        "choose": "Vælg …", "other": "English", "skipLink": "Gå til indholdet", "nameCol": "Navn", "areaCol": "Område",
        "roleCol": "Rolle", "item": "Punkt", "addItem": "Tilføj et punkt",
        "listRange": "Skriv %min til %max punkter – ét i hvert felt.",
        "listExactly": "Skriv %n punkter – ét i hvert felt.",
        "listTwice": "Punkt %n er det samme som punkt %m.", "listOne": "Skriv ét punkt.",
        "weAreDone": "Vi er færdige", "doneHint": "Tryk, når gruppen er færdig. Når alle har trykket, går I videre.",
        "youSaidDone": "Du har sagt, at I er færdige. I går videre, når alle i gruppen har trykket.",
        "doneCount": "%n af %m har sagt færdig", "saidDone": "sagt færdig",
        "followUp": "Opfølgning", "followUpCode": "Din opfølgningskode",
        "followUpCodeHint": "16 tegn, som din telefon viste, da sessionen sluttede, fx 7K2M-Q9XA-3B4C-D5EF",
        "followUpOpen": "Åbn opfølgningen",
        "followUpIntro":
            "Her følger du op på sessionen den %day. Dine svar bliver knyttet til dine svar fra dengang – ingen ser dit navn ved dem.",
        "youWrote": "Det skrev du", "followUpSkip": "Svar på det, du vil – spring resten over.",
        "followUpSend": "Send dine svar", "followUpUntil": "Koden virker til og med %day, og du kan svare én gang.",
        "followUpThanks": "Tak! Du svarede %day.",
        "followUpExpired": "Koden udløb %day. Spørg din træner om en ny.",
        "yourChange": "Din egen forandring", "before": "Før", "after": "Efter", "now": "Nu", "change": "Ændring",
        "onlyYou": "Kun du ser denne side – den, der har koden.", "yes": "Ja", "no": "Nej",
        "followUpOffer":
            "Om nogle uger kan du følge op: se dit mål igen, svar på et par spørgsmål og se din egen forandring. Gem koden eller linket.",
        "followUpDone": "Du har svaret på opfølgningen. Tak!",
        "haveFollowUp": "Har du en opfølgningskode?",
        "followUpStatus": "Opfølgning: %a af de %n, der fik en kode, har svaret (koderne virker til og med %day)",
        "orgReport": "Rapport over tid",
        "orgReportHint":
            "Målingerne fra alle organisationens sessioner, der startede i perioden: fordelinger, før og efter, netværket på tværs, og hvordan det vokser. Lad datoerne stå tomme for alle sessioner.",
        "fromDay": "Fra og med", "toDay": "Til og med", "reportFormat": "Som",
        "formatHTML": "Rapport (HTML)", "formatCSV": "Målinger (CSV, anonym)", "formatJSON": "Tal (JSON)",
        "getReport": "Hent rapporten",
        "error.unknown_follow_up": "Koden kendes ikke. Tjek den, eller spørg din træner om en ny.",
        "error.rate_limited": "For mange forkerte forsøg herfra. Vent lidt, og prøv igen.",
        "error.follow_up_used": "Koden er allerede brugt: hver kode svarer én gang.",
        "error.too_large": "Svarene er for lange.",
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
        "download": "Download data (JSON)", "report": "Download report (HTML)",
        "anonymousJoin": "This session is anonymous: you get a pseudonym, and your name is not stored.",
        "anonymousCreate": "Anonymous session: people get pseudonyms (Participant 1, 2, …), and no names are stored",
        "transcript": "Download transcript (text)", "newSession": "New session",
        "exercise": "Exercise", "areas": "Areas (one per line)", "create": "Create session",
        "sessions": "Sessions", "openConsole": "Console", "openScreen": "Beamer", "present": "here",
        "gone": "gone", "joinAt": "Join at", "withCode": "with the code",
        "noToken": "Open the link `kraftfelt serve` printed (with #token=…).",
        "parameters": "Parameters (name=value, one per line)", "more": "more", "waitsForYou": "Waits for you",
        "unknownCode": "No open session has that code. Check the code on the screen.",
        "choose": "Choose …", "other": "Dansk", "skipLink": "Skip to content", "nameCol": "Name", "areaCol": "Area",
        "roleCol": "Role", "item": "Item", "addItem": "Add another",
        "listRange": "Write %min to %max items – one in each box.", "listExactly": "Write %n items – one in each box.",
        "listTwice": "Item %n is the same as item %m.", "listOne": "Write one item.",
        "weAreDone": "We're done", "doneHint": "Press when your group is done. When everyone has, you move on.",
        "youSaidDone": "You said your group is done. You move on when everyone in the group has.",
        "doneCount": "%n of %m said done", "saidDone": "said done",
        "followUp": "Follow-up", "followUpCode": "Your follow-up code",
        "followUpCodeHint": "16 characters your phone showed when the session ended, e.g. 7K2M-Q9XA-3B4C-D5EF",
        "followUpOpen": "Open the follow-up",
        "followUpIntro":
            "Here you follow up the session on %day. Your answers are linked to your answers then – nobody sees your name with them.",
        "youWrote": "What you wrote", "followUpSkip": "Answer what you want to – skip the rest.",
        "followUpSend": "Send your answers", "followUpUntil": "The code works until %day, and answers once.",
        "followUpThanks": "Thank you! You answered on %day.",
        "followUpExpired": "The code expired on %day. Ask your trainer for a new one.",
        "yourChange": "Your own change", "before": "Before", "after": "After", "now": "Now", "change": "Change",
        "onlyYou": "Only you see this page – whoever has the code.", "yes": "Yes", "no": "No",
        "followUpOffer":
            "In a few weeks you can follow up: see your goal again, answer a few questions and see your own change. Keep the code or the link.",
        "followUpDone": "You have answered the follow-up. Thank you!",
        "haveFollowUp": "Have a follow-up code?",
        "followUpStatus": "Follow-up: %a of the %n given a code have answered (the codes work until %day)",
        "orgReport": "Report over time",
        "orgReportHint":
            "The measures of all the organisation's sessions that started in the period: distributions, before and after, the network across areas, and how it grows. Leave the days empty for every session.",
        "fromDay": "From", "toDay": "To (inclusive)", "reportFormat": "As",
        "formatHTML": "Report (HTML)", "formatCSV": "Measures (CSV, anonymous)", "formatJSON": "Numbers (JSON)",
        "getReport": "Get the report",
        "error.unknown_follow_up": "This code is not known. Check it, or ask your trainer for a new one.",
        "error.rate_limited": "Too many failed attempts from here. Wait a little, and try again.",
        "error.follow_up_used": "This code was used already: each code answers once.",
        "error.too_large": "The answers are too long.",
    ]

    /// What a phone says when the server refuses something, by the error's `code`, in the
    /// person's language. A code not here shows the server's own message: English phones
    /// keep the exact `invalid` message (it names what was wrong); Danish ones get a plain
    /// Danish sentence. `empty` and `network` are the page's own: an empty answer, said before
    /// anything is sent, and no answer from the server at all.
    static func phoneErrors(_ language: String) -> [String: String] { language == "en" ? phoneEn : phoneDa }

    static let phoneDa: [String: String] = [
        "unknown_code": "Ingen åben session har den kode – måske er den slut. Tjek koden på skærmen.",
        "ended": "Sessionen er slut.",
        "unknown_session": "Sessionen findes ikke længere på serveren.",
        "not_started": "Sessionen er ikke startet endnu. Vent lidt.",
        "not_open": "Spørgsmålet er lukket – dit svar nåede ikke frem i tide.",
        "already_answered": "Du har allerede svaret.",
        "not_in_session": "Du er ikke med i dette lige nu. Spørg træneren.",
        "full": "Sessionen er fuld. Spørg træneren.",
        "rate_limited": "For mange forsøg på kort tid. Vent lidt, og prøv igen.",
        "too_large": "Svaret er for langt.",
        "unauthorised": "Telefonen er ikke længere med i sessionen. Deltag igen med koden på skærmen.",
        "storage_unavailable": "Serveren kunne ikke gemme det lige nu. Prøv igen om lidt.",
        "shutting_down": "Serveren genstarter. Prøv igen om lidt.",
        "no_worker": "Serveren er optaget. Prøv igen om lidt.",
        "broken": "Noget gik galt på serveren. Prøv igen om lidt.",
        "invalid": "Det kunne ikke tages imod. Tjek det, du skrev, og prøv igen.",
        "empty": "Skriv et svar først.",
        "network": "Ingen forbindelse til serveren. Tjek netværket, og prøv igen.",
    ]

    static let phoneEn: [String: String] = [
        "unknown_code": "No open session has that code – it may have ended. Check the code on the screen.",
        "ended": "The session has ended.",
        "unknown_session": "The session is no longer on the server.",
        "not_started": "The session has not started yet. Wait a little.",
        "not_open": "The question has closed – your answer came too late.",
        "already_answered": "You have answered already.",
        "not_in_session": "You are not part of this just now. Ask the trainer.",
        "full": "The session is full. Ask the trainer.",
        "rate_limited": "Too many tries in a short time. Wait a little, and try again.",
        "too_large": "The answer is too long.",
        "unauthorised": "This phone is no longer in the session. Join again with the code on the screen.",
        "storage_unavailable": "The server could not save it just now. Try again in a moment.",
        "shutting_down": "The server is restarting. Try again in a moment.",
        "no_worker": "The server is busy. Try again in a moment.",
        "broken": "Something went wrong on the server. Try again in a moment.",
        "empty": "Write an answer first.",
        "network": "No connection to the server. Check the network, and try again.",
    ]

    /// A stored session state as the console's list of sessions says it, and the reason of a
    /// failure (for the tag's title).
    static func state(_ stored: String, _ language: String) -> (String, String?) {
        let en = language == "en"
        switch SessionStatus(stored) {
        case .open: return (en ? "open" : "åben", nil)
        case .running: return (en ? "running" : "i gang", nil)
        case .finished: return (en ? "finished" : "slut", nil)
        case .anonymised: return (en ? "anonymised" : "anonymiseret", nil)
        case .halted(let why), .failed(let why): return (en ? "failed" : "fejlede", why)
        case .other(let text): return (text, nil)
        }
    }

    /// What the console's start page says of a refusal of the report over time, by its code;
    /// other refusals show the server's message.
    static func consoleErrors(_ language: String) -> [[String: String]] {
        errorWords(language == "en" ? consoleEn : consoleDa)
    }

    static let consoleDa: [String: String] = [
        "not_found": "Organisationen har ingen sessioner i den periode.",
        "network": "Ingen forbindelse til serveren. Prøv igen.",
    ]

    static let consoleEn: [String: String] = [
        "not_found": "The organisation has no sessions in that period.",
        "network": "No connection to the server. Try again.",
    ]

    /// The phone's error words as the pages' template takes them.
    static func phoneErrorWords(_ language: String) -> [[String: String]] { errorWords(phoneErrors(language)) }

    /// Error words as `error-words.mustache` takes them (`data-CODE="…"`), in a fixed order.
    private static func errorWords(_ words: [String: String]) -> [[String: String]] {
        words.sorted { $0.key < $1.key }.map { ["code": $0.key, "text": $0.value] }
    }
}
