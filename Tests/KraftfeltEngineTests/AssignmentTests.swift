import Testing

@testable import KraftfeltEngine

struct AssignmentTests {
    /// The kinds of random matrices the brute-force comparison draws.
    enum Kind: CaseIterable {
        /// Uniform doubles in -500..<500.
        case real
        /// Integers 0...3: many ties, many equally optimal assignments.
        case fewValues
        /// Integers 0...20.
        case integers
        /// Small integers with about a third of the entries a 1e9 penalty.
        case penalties

        func draw(using generator: inout SeededGenerator) -> Double {
            switch self {
            case .real: Double.random(in: -500..<500, using: &generator)
            case .fewValues: Double(Int.random(in: 0...3, using: &generator))
            case .integers: Double(Int.random(in: 0...20, using: &generator))
            case .penalties:
                Int.random(in: 0..<3, using: &generator) == 0 ? 1e9 : Double(Int.random(in: 0...9, using: &generator))
            }
        }
    }

    /// The least total over every way of pairing min(rows, columns) rows with distinct columns.
    static func bruteForce(_ costs: [Double], rows: Int, columns: Int) -> Double {
        var used = [Bool](repeating: false, count: max(rows, columns))
        var best = Double.infinity
        // Walk the smaller side in order and try every unused index of the larger side.
        func visit(_ k: Int, _ sum: Double) {
            if k == min(rows, columns) {
                best = min(best, sum)
                return
            }
            for other in 0..<max(rows, columns) where !used[other] {
                used[other] = true
                let cost = rows <= columns ? costs[k * columns + other] : costs[other * columns + k]
                visit(k + 1, sum + cost)
                used[other] = false
            }
        }
        visit(0, 0)
        return best
    }

    /// Checks the shape of a solution: distinct columns, min(rows, columns) rows assigned, and
    /// a total that is the sum of the chosen costs.
    static func checkStructure(
        _ result: (columnForRow: [Int?], total: Double), _ costs: [Double], rows: Int, columns: Int
    ) {
        #expect(result.columnForRow.count == rows)
        let assigned = result.columnForRow.compactMap { $0 }
        #expect(assigned.count == min(rows, columns))
        #expect(Set(assigned).count == assigned.count)
        #expect(assigned.allSatisfy { (0..<columns).contains($0) })
        var sum = 0.0
        for (row, column) in result.columnForRow.enumerated() {
            if let column { sum += costs[row * columns + column] }
        }
        #expect(sum == result.total)
    }

    @Test(arguments: Kind.allCases)
    func matchesBruteForceOnSmallMatrices(kind: Kind) {
        var cases = 0
        for seed in 0..<25 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed, stream: "assignment-\(kind)")
            for rows in 1...7 {
                for columns in 1...7 {
                    let costs = (0..<rows * columns).map { _ in kind.draw(using: &generator) }
                    let result = Assignment.solve(costs: costs, rows: rows, columns: columns)
                    Self.checkStructure(result, costs, rows: rows, columns: columns)
                    let expected = Self.bruteForce(costs, rows: rows, columns: columns)
                    #expect(
                        abs(result.total - expected) <= 1e-9 * max(1, abs(expected)),
                        "\(kind) \(rows)×\(columns) seed \(seed): \(result.total) vs \(expected)")
                    cases += 1
                }
            }
        }
        #expect(cases == 25 * 49)
    }

    @Test func theSameInputGivesTheSameAssignment() {
        var generator = SeededGenerator(seed: 99)
        let costs = (0..<30 * 40).map { _ in Double(Int.random(in: 0...2, using: &generator)) }
        let first = Assignment.solve(costs: costs, rows: 30, columns: 40)
        let second = Assignment.solve(costs: costs, rows: 30, columns: 40)
        #expect(first.columnForRow == second.columnForRow)
        Self.checkStructure(first, costs, rows: 30, columns: 40)
    }

    @Test func aHandWorkedFourByFour() {
        let costs: [Double] = [
            82, 83, 69, 92,
            77, 37, 49, 92,
            11, 69, 5, 86,
            8, 9, 98, 23,
        ]
        let result = Assignment.solve(costs: costs, rows: 4, columns: 4)
        #expect(result.columnForRow == [2, 1, 0, 3])
        #expect(result.total == 140)
    }

    @Test func aHandWorkedThreeByThreeBothWaysRound() {
        // Rows 0→1, 1→0, 2→2 cost 1 + 2 + 2 = 5; every other permutation costs at least 6.
        let costs: [Double] = [4, 1, 3, 2, 0, 5, 3, 2, 2]
        let result = Assignment.solve(costs: costs, rows: 3, columns: 3)
        #expect(result.columnForRow == [1, 0, 2])
        #expect(result.total == 5)
        // Two rows, three columns: row 0 takes column 1 (1), row 1 takes column 0 (2).
        let wide = Assignment.solve(costs: [4, 1, 6, 2, 0, 5], rows: 2, columns: 3)
        #expect(wide.columnForRow == [1, 0])
        #expect(wide.total == 3)
        // Three rows, two columns: columns 0 and 1 go to rows 1 and 0 (2 + 1); row 2 is left out.
        let tall = Assignment.solve(costs: [4, 1, 2, 0, 6, 5], rows: 3, columns: 2)
        #expect(tall.columnForRow == [1, 0, nil])
        #expect(tall.total == 3)
    }

    @Test func emptyAndSingleCellProblems() {
        let empty = Assignment.solve(costs: [], rows: 0, columns: 0)
        #expect(empty.columnForRow.isEmpty && empty.total == 0)
        let noRows = Assignment.solve(costs: [], rows: 0, columns: 5)
        #expect(noRows.columnForRow.isEmpty && noRows.total == 0)
        let noColumns = Assignment.solve(costs: [], rows: 4, columns: 0)
        #expect(noColumns.columnForRow == [nil, nil, nil, nil] && noColumns.total == 0)
        let single = Assignment.solve(costs: [-2.5], rows: 1, columns: 1)
        #expect(single.columnForRow == [0] && single.total == -2.5)
    }

    @Test func allEqualCostsPairRowsWithTheLowestColumns() {
        for (rows, columns) in [(1, 1), (5, 5), (3, 7), (7, 3)] {
            let costs = [Double](repeating: 4, count: rows * columns)
            let result = Assignment.solve(costs: costs, rows: rows, columns: columns)
            Self.checkStructure(result, costs, rows: rows, columns: columns)
            #expect(result.columnForRow == (0..<rows).map { $0 < columns ? $0 : nil })
            #expect(result.total == 4 * Double(min(rows, columns)))
        }
    }

    @Test func penaltiesAreAvoidedWhenTheyCanBeAndPaidOnceWhenTheyCannot() {
        let p = 1e9
        // Only the anti-diagonal is allowed.
        let avoidable: [Double] = [
            p, p, 0.5,
            p, 7, p,
            3, p, p,
        ]
        let avoided = Assignment.solve(costs: avoidable, rows: 3, columns: 3)
        #expect(avoided.columnForRow == [2, 1, 0])
        #expect(avoided.total == 10.5)
        // Row 2 can only take a penalty; the others still get their cheapest columns.
        let unavoidable: [Double] = [
            1, 2, 9,
            2, 1, 9,
            p, p, p,
        ]
        let paid = Assignment.solve(costs: unavoidable, rows: 3, columns: 3)
        #expect(paid.columnForRow == [0, 1, 2])
        #expect(paid.total == p + 2)
    }

    @Test func aLargerRandomProblemAgreesWithItsTranspose() {
        var generator = SeededGenerator(seed: 7)
        let rows = 60
        let columns = 90
        let costs = (0..<rows * columns).map { _ in Double(Int.random(in: 0..<1000, using: &generator)) }
        var transposed = [Double](repeating: 0, count: costs.count)
        for r in 0..<rows {
            for c in 0..<columns { transposed[c * rows + r] = costs[r * columns + c] }
        }
        let wide = Assignment.solve(costs: costs, rows: rows, columns: columns)
        let tall = Assignment.solve(costs: transposed, rows: columns, columns: rows)
        Self.checkStructure(wide, costs, rows: rows, columns: columns)
        Self.checkStructure(tall, transposed, rows: columns, columns: rows)
        #expect(wide.total == tall.total)
    }
}
