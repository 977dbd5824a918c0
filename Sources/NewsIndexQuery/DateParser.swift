import NewsIndexCore
/// The calendar arithmetic and date reading that queries (`date:`) and articles share: days
/// since the epoch of a proleptic Gregorian date and back, and the date forms news uses.
/// Pure: nothing here reads the clock.
package enum DateParser {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    package static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    package static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    package static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package static let months: [String: Int] = {
        var m: [String: Int] = [:]
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        for (i, n) in names.enumerated() {
            m[n] = i + 1
            m[String(n.prefix(3))] = i + 1
        }
        m["sept"] = 9
        return m
    }()

    package static let weekdays: Set<String> = ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
                                        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Zone abbreviations → offset in minutes east of UTC.
    package static let zones: [String: Int] = [
        "z": 0, "utc": 0, "gmt": 0, "ut": 0,
        "et": -300, "est": -300, "edt": -240, "ct": -360, "cst": -360, "cdt": -300,
        "mt": -420, "mst": -420, "mdt": -360, "pt": -480, "pst": -480, "pdt": -420,
        "akst": -540, "akdt": -480, "hst": -600, "wet": 0, "west": 60,
        "bst": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120, "eet": 120, "eest": 180, "msk": 180, "ist": 330,
        "jst": 540, "kst": 540, "awst": 480, "acst": 570, "acdt": 630, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    ]

    package enum Piece: Equatable {
        case number(Int, digits: Int)
        case word(String)
        case sep(Character)
    }

    package static func pieces(_ s: String) -> [Piece]? {
        var out: [Piece] = []
        var it = Array(s)
        if it.count > 80 { return nil }
        var i = 0
        it.append(" ")
        while i < it.count - 1 {
            let c = it[i]
            if c.isASCII && c.isNumber {
                var v = 0, n = 0
                while it[i].isASCII && it[i].isNumber { v = v * 10 + Int(it[i].asciiValue! - 48); n += 1; i += 1; if n > 9 { return nil } }
                out.append(.number(v, digits: n))
            } else if c.isLetter {
                var w = ""
                while it[i].isLetter { w.append(it[i]); i += 1 }
                out.append(.word(w.lowercased()))
            } else if c == " " || c == "\t" {
                i += 1
            } else {
                out.append(.sep(c))
                i += 1
            }
        }
        return out
    }

    /// A two-digit year as RFC 2822 reads it: 00–49 are 2000–2049, 50–99 are 1950–1999.
    package static func fullYear(_ v: Int, digits: Int) -> Int? {
        switch digits {
        case 4: return v
        case 2: return v < 50 ? 2000 + v : 1900 + v
        default: return nil
        }
    }

    /// A Unix time written as a whole number of at least 9 digits (an optional minus sign before):
    /// seconds, or milliseconds when its magnitude is at least 10^11.
    package static func unixTime(_ text: Substring) -> Int64? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text
        guard digits.count >= 9, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let v = Int64(text) else { return nil }
        return v.magnitude >= 100_000_000_000 ? v / 1000 : v
    }

    /// An all-numeric date at `ps[i...]`: `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.MM.DD`, `D.M.YYYY`, and
    /// `xx/yy/YY(YY)` in the order given (month first unless `dayFirst`; the other order when
    /// only it gives a month). Returns the date and the pieces it took.
    package static func numericDate(_ ps: [Piece], at i: Int, dayFirst: Bool) -> (year: Int, month: Int, day: Int, count: Int)? {
        guard i + 4 < ps.count, case .number(let a, let ad) = ps[i], case .sep(let s1) = ps[i + 1],
              case .number(let b, _) = ps[i + 2], ps[i + 3] == .sep(s1), case .number(let c, let cd) = ps[i + 4],
              s1 == "-" || s1 == "/" || s1 == "." else { return nil }
        if ad == 4 { return (a, b, c, 5) }                                      // year first
        guard s1 != "-", ad <= 2, let y = fullYear(c, digits: cd) else { return nil }
        if s1 == "." { return (y, b, a, 5) }                                    // 30.12.2022: day first
        let monthFirst = dayFirst ? b > 12 : a <= 12
        return monthFirst ? (y, a, b, 5) : (y, b, a, 5)
    }

    package static func parse(_ text: String, dayFirst: Bool = false) -> Int64? {
        let trimmed = text.trimmingASCIIWhitespace()
        if let t = unixTime(trimmed[...]) { return t }
        guard !trimmed.isEmpty, let ps = pieces(trimmed) else { return nil }
        var year: Int?, month: Int?, day: Int?
        var hour = 0, minute = 0, second = 0
        var offset = 0   // minutes east of UTC
        var i = 0
        var pm: Bool? = nil
        var sawTime = false
        var numbers: [(Int, Int)] = []   // unassigned (value, digits)

        func num(_ k: Int) -> (Int, Int)? {
            if k < ps.count, case .number(let v, let d) = ps[k] { return (v, d) }
            return nil
        }
        func isSep(_ k: Int, _ c: Character) -> Bool { k < ps.count && ps[k] == .sep(c) }

        while i < ps.count {
            // All-numeric dates: 2022-12-30, 2017/3/30, 2017.03.30, 30.12.2022, 12/30/22.
            if year == nil, month == nil, day == nil, let date = numericDate(ps, at: i, dayFirst: dayFirst) {
                year = date.year; month = date.month; day = date.day
                i += date.count
                if i < ps.count, case .word("t") = ps[i] { i += 1 }   // 2022-12-30T07:55
                continue
            }
            // Time: HH:MM(:SS(.fff))
            if let (h, _) = num(i), isSep(i + 1, ":"), let (mi, md) = num(i + 2), md == 2 {
                hour = h; minute = mi
                sawTime = true
                i += 3
                if isSep(i, ":"), let (s, _) = num(i + 1) { second = s; i += 2
                    if isSep(i, "."), num(i + 1) != nil { i += 2 }
                }
                continue
            }
            // Numeric zone: +HH:MM, +HHMM, -HHMM (only after a time or date)
            if (isSep(i, "+") || isSep(i, "-")) && (sawTime || year != nil), let (z, zd) = num(i + 1) {
                let sign = isSep(i, "+") ? 1 : -1
                var h = 0, m = 0
                if zd == 4 { h = z / 100; m = z % 100; i += 2 }
                else if zd == 2, isSep(i + 2, ":"), let (zm, _) = num(i + 3) { h = z; m = zm; i += 4 }
                else if zd <= 2 { h = z; i += 2 }
                else { return nil }
                guard h <= 14, m < 60 else { return nil }
                offset = sign * (h * 60 + m)
                continue
            }
            switch ps[i] {
            case .word(let w):
                if let m = months[w] { if month != nil && year != nil && day != nil { return nil }; month = m }
                else if weekdays.contains(w) {}
                else if w == "am" { pm = false }
                else if w == "pm" { pm = true }
                else if let z = zones[w] { offset = z }
                else if w == "t" || w == "at" || w == "on" || w == "updated" || w == "published" {}
                else if w == "th" || w == "st" || w == "nd" || w == "rd" {}
                else { return nil }
            case .number(let v, let d):
                numbers.append((v, d))
            case .sep(let c):
                if !(c == "," || c == "." || c == "-" || c == "/") { return nil }
            }
            i += 1
        }
        return seconds(year: year, month: month, day: day, numbers: numbers,
                       time: (hour, minute, second), pm: pm, offsetMinutes: offset)
    }

    /// The instant of a parsed date: loose numbers (beside a month name) become the year and the
    /// day, then every field is range-checked; nil when the date does not exist.
    private static func seconds(year: Int?, month: Int?, day: Int?, numbers: [(Int, Int)],
                                time: (Int, Int, Int), pm: Bool?, offsetMinutes offset: Int) -> Int64? {
        var year = year, day = day
        var (hour, minute, second) = time
        // Assign loose numbers (with a month name): a 4-digit year and a day.
        for (v, d) in numbers {
            if d == 4 && year == nil { year = v }
            else if d <= 2 && day == nil { day = v }
            else if d == 2 && year == nil { year = fullYear(v, digits: 2) }   // 30 Dec 22
            else { return nil }
        }
        guard let y = year, let m = month, let d = day, (1...12).contains(m), y >= 1000, y <= 9999,
              d >= 1, d <= daysInMonth(y, m) else { return nil }
        if let pm {
            guard hour >= 1 && hour <= 12 else { return nil }
            if pm && hour < 12 { hour += 12 }
            if !pm && hour == 12 { hour = 0 }
        }
        guard hour < 24, minute < 60, second < 61 else { return nil }
        return days(year: y, month: m, day: d) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset * 60)
    }
}
