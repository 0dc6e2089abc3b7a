import Analysis
import Session

extension Workbench {
    /// Applies one key or event: `Update.update` changes the state (a pure
    /// function of the state, the event and the frame's facts), then the
    /// effects it returns run here (I/O, the session), and a view that now
    /// asks for more is submitted.
    public func handle(_ key: Key) {
        defer { followViewInputs() }
        // One snapshot for the key, as for a frame.
        let result = snapshot.result
        let (next, effects) = Update.update(state, key, frameFacts(result))
        state = next
        for effect in effects { apply(effect, result) }
    }

    /// What the update reads besides the state, from `r` and the last frame.
    func frameFacts(_ r: EncodeResult?) -> FrameFacts {
        let map = currentMap(for: r)
        return FrameFacts(extent: extent(r, mapSize: map?.size ?? 0), hits: hitAreas, map: map)
    }

    /// The sizes bindings keep cursors within, from the current snapshot.
    func extent(_ r: EncodeResult?, mapSize: Int) -> Extent {
        var e = Extent(
            tokens: r?.encoding.count ?? 0, mapSize: mapSize,
            masks: r?.mlm?.predictions.count ?? 0,
            probes: probes(for: r?.input.layers ?? state.layers).count, layers: facts.layers, heads: facts.heads)
        e.windows = r?.windows?.count ?? 1
        if let r, longMapMode(r) != nil {
            let n = r.encoding.count
            e.tokenMap = true
            e.mapSize = n
            e.pooledRows = pooledGrid.rows
            e.pooledColumns = pooledGrid.columns
        }
        e.layerChoices = facts.layerChoices
        e.plainScores = !facts.relativeAttention
        e.headDim = r?.arithmetic?.head?.headDim ?? max(1, facts.hiddenSize / max(1, facts.heads))
        e.corpusLayers = session.corpus?.layers ?? []
        e.corpusHeadLayers = session.corpus?.contextLayers ?? []
        e.corpusColourings = r?.corpusProjection?.colourings ?? []
        e.corpusColouring = r?.corpusProjection?.colouring
        if let d = r?.corpusDataset?.dataset {
            e.datasetClasses = d.classes.count
            e.datasetRows = deriver.datasetView(r!, state.probing)?.rows.count ?? 0
        }
        e.corpusMatches = corpusMatchesShown(r).count
        if let t = r?.task {
            e.labels = t.labels.count
            e.predicted = t.labels.max { $0.score < $1.score }?.id ?? 0
            e.taskTokens = (t.encoding ?? r?.encoding)?.count ?? 0
        }
        return e
    }

    /// Attention flow and context mixing are part of the input (the session
    /// computes them in the background), and so are lean mode's layers: a
    /// key that opens such a view, moves its layer or (lean) shows another
    /// layer asks for it.
    func followViewInputs() {
        let want = currentInput, asked = session.snapshot.input
        let secondMoved = second.map { b in secondInput?.viewRequest != b.session.snapshot.input.viewRequest }
        if want.viewRequest != asked.viewRequest || secondMoved == true,
            !batching
        {
            submitCurrent()
        }
    }

    func apply(_ effect: Effect, _ r: EncodeResult?) {
        switch effect {
        case .none: break
        case .quit: quit()
        case .inputChanged: inputChanged()
        case .keepInHistory: keepInHistory()
        case .historyPrevious: recall(history.previous(current: state.focusedEditor.text))
        case .historyNext: recall(history.next())
        case .nextTheme: cycleTheme()
        case .nextSample: cycleSample()
        case .toggleMask(let whole): toggleMask(wholeWord: whole, r)
        case .repaint: repaintRequested = true
        case .openRankedHead: openRankedHead(r)
        case .tourStep(let delta): stepTour(by: delta)
        case .leaveTour: leaveTour()
        case .runCommand(let text): run(command: text)
        case .submit: submitCurrent()
        case .openCorpusMatch: openCorpusMatch(r)
        case .io(let io): run(io)
        case .textEdited:
            history.stopBrowsing()
            textChanged()
        case .runKey(let index):
            let (next, effects) = Update.runPicked(index, state, frameFacts(r))
            state = next
            for e in effects { apply(e, r) }
        case .completeCommand:
            guard case .command(var editor) = state.overlay else { return }
            if let completed = Commands.complete(editor.text, commandContext(r)) { editor.text = completed }
            state.overlay = .command(editor)
        }
    }

    private func openRankedHead(_ r: EncodeResult?) {
        guard let r, let f = state.attention.finder, let v = deriver.finderView(r, state.attention),
            let e = v.entries[safe: f.selected]
        else { return }
        state.attention.layer = e.layer
        state.attention.head = e.head
        state.attention.view = .head
        state.attention.finder = nil
        state.say(String(format: "layer %d head %d: ", e.layer + 1, e.head + 1) + v.criterion.rawValue)
    }

    private func toggleMask(wholeWord: Bool, _ r: EncodeResult?) {
        guard let e = r?.encoding, e.count > 0 else { return }
        let i = clamped(state.tokens.selected, e.count)
        guard !e.isSpecial(i) else { return state.say("special tokens cannot be masked", error: true) }
        let positions = wholeWord ? e.wordMembers(of: i) : [i]
        if positions.allSatisfy(state.masked.contains) {
            state.masked.subtract(positions)
        } else {
            state.masked.formUnion(positions)
        }
        inputChanged()
    }
}
