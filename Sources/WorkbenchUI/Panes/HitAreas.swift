/// What was drawn where in the last frame, so a click can be turned into
/// the token, cell or head under it.
public struct HitAreas {
    public enum Target: Equatable {
        case inputA, inputB
        case token(Int)
        case cell(row: Int, column: Int)
        case head(layer: Int, head: Int)
        case pane(Focus)
        case mask(Int)
    }

    private var areas: [(Rect, Target)] = []

    public init() {}

    mutating func reset() { areas.removeAll(keepingCapacity: true) }
    mutating func add(_ r: Rect, _ t: Target) { areas.append((r, t)) }

    /// The most recently added (innermost) target containing the point.
    public func hit(x: Int, y: Int) -> Target? { areas.last { $0.0.contains(x: x, y: y) }?.1 }
}
