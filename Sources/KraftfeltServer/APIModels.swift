import Foundation
import KraftfeltEngine
import KraftfeltHost

/// The bodies of the JSON API (`docs/openapi.yaml` describes each).
enum API {
    struct JoinInfo: Codable, Sendable {
        var session: String
        var code: String
        var title: String
        var areas: [String]
        var languages: [String]
        var phase: String
        /// An anonymous session takes no names: each person gets a pseudonym.
        var anonymous: Bool
    }

    struct JoinRequest: Codable, Sendable {
        var code: String
        /// Needed, except in an anonymous session (where it is not used).
        var name: String?
        var area: String
        var language: String?
    }

    struct Joined: Codable, Sendable {
        var session: String
        var participant: String
        var token: String
    }

    struct AnswerRequest: Codable, Sendable {
        var ask: Int
        var value: AnswerValue
    }

    /// An answer as JSON: a string (text, choice, person), a number (scale, number), or a
    /// list of strings (choices, vote, rank).
    enum AnswerValue: Codable, Sendable {
        case text(String)
        case number(Double)
        case list([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let list = try? container.decode([String].self) {
                self = .list(list)
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'value' must be a string, a number or a list of strings")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .list(let list): try container.encode(list)
            }
        }

        var answer: Answer {
            switch self {
            case .text(let text): .text(text)
            case .number(let number): .number(number)
            case .list(let list): .list(list)
            }
        }
    }

    struct ReceiptBody: Codable, Sendable {
        var event: Int
        var revision: Int
    }

    /// `GET /api/health`: the server runs, with this many sessions live.
    struct Health: Codable, Sendable {
        var status: String
        var sessions: Int
    }

    struct CreateSession: Codable, Sendable {
        /// A shipped exercise or programme by id…
        var exercise: String?
        /// …or a script's text (an installed or new exercise).
        var script: String?
        var parameters: [String: String]?
        var language: String?
        var areas: [String]?
        var seed: UInt64?
        /// No names are stored: each person who joins is given a pseudonym ("Deltager 3").
        var anonymous: Bool?

        enum CodingKeys: String, CodingKey { case exercise, script, parameters, language, areas, seed, anonymous }

        init(
            exercise: String? = nil, script: String? = nil, parameters: [String: String]? = nil,
            language: String? = nil, areas: [String]? = nil, seed: UInt64? = nil, anonymous: Bool? = nil
        ) {
            self.anonymous = anonymous
            self.exercise = exercise
            self.script = script
            self.parameters = parameters
            self.language = language
            self.areas = areas
            self.seed = seed
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            exercise = try container.decodeIfPresent(String.self, forKey: .exercise)
            script = try container.decodeIfPresent(String.self, forKey: .script)
            parameters = try container.decodeIfPresent([String: String].self, forKey: .parameters)
            language = try container.decodeIfPresent(String.self, forKey: .language)
            areas = try container.decodeIfPresent([String].self, forKey: .areas)
            anonymous = try container.decodeIfPresent(Bool.self, forKey: .anonymous)
            // Foundation reports a number out of range as JSON that is not valid: say which.
            do {
                seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .seed, in: container,
                    debugDescription: "must be a whole number from 0 to \(UInt64.max)")
            }
        }
    }

    struct SessionSummary: Codable, Sendable {
        var id: String
        var exercise: String
        var state: String
        var live: Bool
        var joinCode: String?
    }

    struct ActionRequest: Codable, Sendable {
        /// advance, extend, skip, remove, end or step_back.
        var action: String
        var timer: Int?
        var seconds: Int64?
        var participant: String?
        /// Read and ignored: a session the trainer ends finishes (a reason would fail it).
        var reason: String?
    }

    struct ActionResult: Codable, Sendable {
        var action: String
        var revision: Int?
        /// For a step back: what it took back, and the inputs after it that no longer fit.
        var undone: String?
        var kept: Int?
        var dropped: [String]?
    }

    struct Export: Codable, Sendable {
        var id: String
        var exercise: String
        var organisation: String
        var state: String
        var seed: String
        var language: String
        var events: [SessionEvent]
        var measures: [Measure]
        var transcript: String
    }

    /// What a WebSocket client sends first: its token, and the revision it has.
    struct Hello: Codable, Sendable {
        var token: String
        var revision: Int?
        /// True to receive each view as data besides its HTML.
        var data: Bool?
    }

    /// What the server pushes: the view as data and, rendered, as HTML.
    struct Push: Encodable, Sendable {
        var type = "view"
        var revision: Int
        /// The view's session time: countdowns in the HTML count to session times.
        var at: Int64
        var view: ViewBody?
        var html: String
    }
}
