using System.Globalization;
using BlazorMood.Music.Context;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Recommendation;

/// <summary>
/// Chooses tracks for a user: the original rule (<see cref="RecommendationMode.Baseline"/>) or a scored context mode
/// (<see cref="RecommendationMode.Context"/>) that blends emotion, activity, cadence, daypart and a text query, then
/// lets per-user like/skip feedback reorder the best candidates by Thompson sampling. Pure logic: no web, no database.
/// The admin's curation (<see cref="ICurationState"/>: bans, a pinned playlist, playlist mappings and daypart
/// schedules) is read on every request, so a change applies to the next recommendation.
/// </summary>
public sealed class Recommender
{
    // Relative tempo error at which the match falls to e^-0.5 (≈ 4 BPM at 80, 8 BPM at 160).
    private const double TempoSigma = 0.05;

    // Half/double time fits a cadence, but less well than the tempo itself.
    private const double OctaveFit = 0.85;

    // Score of a track whose tempo was never measured: below a good match, above a clear mismatch.
    private const double UnknownTempoFit = 0.3;

    // Only candidates within this much of the best content score are reordered by feedback, so learning never
    // promotes a track that does not fit the context.
    private const double RelevanceMargin = 0.2;

    // Likes plus skips at which feedback gets half of Music:Recommender:FeedbackWeight in a track's final score.
    private const double EvidenceForHalfFeedbackWeight = 2.0;

    // Context mode: bonus of a playlist mapped to the listener's emotion, activity or a custom query keyword.
    private const double PlaylistWeight = 0.5;

    // Context mode: bonus of a playlist scheduled for the current daypart (and malus of one scheduled for another).
    private const double ScheduleWeight = 0.3;

    // Context mode: bonus of a track whose tags share a word with the mood query.
    private const double TagWeight = 0.3;

    private static readonly double Ln2 = Math.Log(2);

    private readonly IMusicLibrary _library;
    private readonly IContextStore _context;
    private readonly IFeedbackStore _feedback;
    private readonly ICurationState _curation;
    private readonly MusicOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Recommender> _logger;
    private TrackIndex? _index;
    private CurationView? _view;
    private long _requests;

    /// <summary>A recommender without curation (tools, benchmarks, tests).</summary>
    public Recommender(IMusicLibrary library, IContextStore context, IFeedbackStore feedback, IOptions<MusicOptions> options, TimeProvider time, ILogger<Recommender> logger)
        : this(library, context, feedback, new FixedCurationState(CurationSnapshot.Empty), options, time, logger)
    {
    }

    public Recommender(IMusicLibrary library, IContextStore context, IFeedbackStore feedback, ICurationState curation, IOptions<MusicOptions> options,
        TimeProvider time, ILogger<Recommender> logger)
    {
        _library = library;
        _context = context;
        _feedback = feedback;
        _curation = curation;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Records like/skip/complete for a track, credited to the context it was recommended in.</summary>
    public void Feedback(string userId, string trackId, FeedbackKind kind) => _feedback.RecordFeedback(userId, trackId, kind);

    /// <summary>Records that a track started playing (it will not be recommended again within the no-repeat window).</summary>
    public void Played(string userId, string trackId) => _feedback.RecordPlay(userId, trackId);

    public Recommendation Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = request.At ?? _time.GetUtcNow();
        var view = GetView();
        var context = ApplyOverrides(_context.Get(request.UserId), request, now);
        var recent = _feedback.RecentPlays(request.UserId, _options.Recommender.NoRepeatWithin);
        var result = request.Mode == RecommendationMode.Baseline
            ? Baseline(view, context, request, now, recent)
            : Contextual(view, context, request, now, recent);
        _feedback.RecordServed(request.UserId, result.Context.ContextKey, result.Tracks.Select(t => t.Id).ToArray());
        _logger.LogDebug("Recommendation for {User}: {Mode} {Source} {ContextKey} {Count} tracks",
            request.UserId, result.Mode, result.Source, result.Context.ContextKey, result.Tracks.Count);
        return result;
    }

    private TrackIndex GetIndex()
    {
        var snapshot = _library.Current;
        var index = Volatile.Read(ref _index);
        if (index is null || !ReferenceEquals(index.Snapshot, snapshot))
        {
            // Two requests racing after a reload may both build it; the result is identical and one wins.
            index = new TrackIndex(snapshot);
            Volatile.Write(ref _index, index);
        }
        return index;
    }

    private CurationView GetView()
    {
        var index = GetIndex();
        var curation = _curation.Current;
        var view = Volatile.Read(ref _view);
        if (view is null || !ReferenceEquals(view.Index, index) || !ReferenceEquals(view.Curation, curation))
        {
            // Rebuilt only after a reload or a curation change; racing builders produce equal views.
            view = new CurationView(index, curation);
            Volatile.Write(ref _view, view);
        }
        return view;
    }

    private static ListeningContext ApplyOverrides(ListeningContext context, RecommendationRequest request, DateTimeOffset now)
    {
        if (request.IgnoreObservedEmotion)
        {
            context = context with { LastEmotion = null };
        }
        if (!string.IsNullOrWhiteSpace(request.Emotion))
        {
            context = context with { LastEmotion = new EmotionObservation(request.Emotion, 1, now) };
        }
        if (!string.IsNullOrWhiteSpace(request.Activity))
        {
            context = context with { LastActivity = new ActivityObservation(request.Activity, 1, request.CadenceSpm, now) };
        }
        else if (request.CadenceSpm is { } cadence && context.LastActivity is { } last)
        {
            context = context with { LastActivity = last with { CadenceSpm = cadence } };
        }
        return context;
    }

    private Recommendation Baseline(CurationView view, ListeningContext context, RecommendationRequest request, DateTimeOffset now, IReadOnlyList<string> recent)
    {
        var daypart = MoodSpace.Daypart(LocalHour(now)).Name;
        if (view.PinnedId >= 0)
        {
            var pinned = view.Names[view.PinnedId];
            var pinnedParts = new List<ReasonPart> { new("mode", "baseline"), new("rule", "pinned"), new("playlist", pinned) };
            return new Recommendation(RecommendationSource.Pinned, RecommendationMode.Baseline,
                Describe(context, now, request, daypart, pinned, $"pinned:{pinned}"),
                new RecommendationReason(pinnedParts, $"An admin pinned the {pinned} playlist, so everything comes from it until it is unpinned."),
                Queue(view, [view.PinnedId], recent, t => $"From {t.Playlist}, pinned by an admin."));
        }

        var decision = BaselineRule.Decide(context, now, _options.Recommender.EmotionWindow, name => Serving(view, name, daypart).Count > 0);
        var playlists = Serving(view, decision.Playlist, daypart);
        if (playlists.Count == 0 && (decision.Source != RecommendationSource.Default || view.TimeOfDayPlaylists(daypart).Count == 0)
            && FeatureRegion(view, context, request, now, recent, daypart) is { } byFeatures)
        {
            return byFeatures;
        }
        var source = decision.Source;
        var parts = decision.Reason.Parts.ToList();
        var summary = decision.Reason.Summary;
        if (decision.Source == RecommendationSource.Default && view.TimeOfDayPlaylists(daypart) is { Count: > 0 } timed)
        {
            // Nothing about the listener is known: the playlist scheduled for this part of the day plays.
            playlists = timed;
            source = RecommendationSource.Time;
            var names = string.Join(", ", timed.Select(p => view.Names[p]));
            parts.RemoveAll(p => p.Key is "rule" or "playlist");
            parts.Add(new("rule", "daypart-schedule"));
            parts.Add(new("daypart", daypart));
            parts.Add(new("playlist", view.Names[timed[0]]));
            var tail = $"this is the default {PlaylistNames.Neutral} playlist.";
            summary = summary.EndsWith(tail, StringComparison.Ordinal)
                ? summary[..^tail.Length] + $"this is the {daypart} schedule: {names}."
                : $"It is {daypart}, so this is the {daypart} schedule: {names}.";
            summary = char.ToUpperInvariant(summary[0]) + summary[1..];
        }
        else if (playlists.Count != 1 || view.Names[playlists[0]] != decision.Playlist)
        {
            // The admin mapped other playlists to this context (or remapped the conventional one): say which play.
            var names = string.Join(", ", playlists.Select(p => view.Names[p]));
            parts.Add(new("playlists", names));
            if (playlists.Count > 0)
            {
                summary += $" Playlists curated for it: {names}.";
            }
        }
        if (view.BannedCount > 0)
        {
            parts.Add(new("bannedTracks", view.BannedCount.ToString(CultureInfo.InvariantCulture)));
        }
        var label = decision.Source switch
        {
            RecommendationSource.Emotion => PlaylistNames.Normalize(context.LastEmotion!.Label),
            RecommendationSource.Activity => PlaylistNames.Normalize(context.LastActivity!.Activity),
            _ => "neutral",
        };
        var contextKey = source == RecommendationSource.Time ? $"time:{daypart}" : $"{Wire(decision.Source)}:{label}";
        var shown = playlists.Count > 0 ? view.Names[playlists[0]] : decision.Playlist;
        return new Recommendation(source, RecommendationMode.Baseline,
            Describe(context, now, request, daypart, shown, contextKey),
            new RecommendationReason(parts, summary),
            Queue(view, playlists, recent, t => $"From {t.Playlist}, chosen by the baseline rule."));
    }

    /// <summary>
    /// The playlists that serve a conventional playlist name of the baseline rule (<c>emotion_happy</c>): every playlist
    /// mapped to that emotion, by the admin or by its folder name, best first for this daypart.
    /// </summary>
    private static IReadOnlyList<int> Serving(CurationView view, string conventional, string daypart)
    {
        if (CurationView.ParseConventional(conventional) is { } c)
        {
            return view.PlaylistsFor(c.Kind, c.Label, daypart);
        }
        return view.Index.PlaylistIds.TryGetValue(conventional, out var id) && view.LiveTracks[id] > 0 ? [id] : [];
    }

    /// <summary>
    /// The baseline queue: tracks of the playlists taken in turn (so each curated playlist is heard), in playlist order,
    /// banned tracks left out, tracks played recently at the back (variety without dropping any).
    /// </summary>
    private List<RecommendedTrack> Queue(CurationView view, IReadOnlyList<int> playlists, IReadOnlyList<string> recent, Func<Track, string> why)
    {
        var lists = playlists
            .Select(p => view.Index.Snapshot.FindPlaylist(view.Names[p])?.Tracks.Where(t => !view.Curation.IsBanned(t.Id)).ToList() ?? [])
            .ToList();
        var merged = new List<Track>();
        for (var round = 0; lists.Any(l => round < l.Count); round++)
        {
            foreach (var list in lists)
            {
                if (round < list.Count)
                {
                    merged.Add(list[round]);
                }
            }
        }
        var fresh = merged.Where(t => !recent.Contains(t.Id));
        var stale = merged.Where(t => recent.Contains(t.Id));
        return fresh.Concat(stale).Take(_options.Recommender.QueueLength).Select(t => ToResult(t, 1, why(t))).ToList();
    }

    private Recommendation Contextual(CurationView view, ListeningContext context, RecommendationRequest request, DateTimeOffset now, IReadOnlyList<string> recent)
    {
        var index = view.Index;
        var opts = _options.Recommender;
        // Per-playlist bonus (mapping, schedule) and the weights that normalise the score to 0..1.
        var playlistBonus = new double[view.Names.Length];
        var (daypart, dayMood) = MoodSpace.Daypart(LocalHour(now));
        var bonusTotal = 0.0;
        string? emotionPlaylistName = null;
        var parts = new List<ReasonPart> { new("mode", "context") };
        var because = new List<string>();
        double vSum = 0, aSum = 0, wSum = 0;
        double? targetBpm = null;
        var bpmWeight = 0.0;
        RecommendationSource? source = null;
        string? sourceLabel = null;

        var text = TextMoodLexicon.Parse(request.Text);
        if (!text.IsEmpty)
        {
            // Typed words are the most explicit intent there is.
            const double w = 1.5;
            if (text.Valence is { } tv) { vSum += w * tv; }
            if (text.Arousal is { } ta) { aSum += w * ta; }
            wSum += w;
            if (text.Bpm is { } tb) { targetBpm = tb; bpmWeight = 0.8; }
            source = RecommendationSource.Text;
            sourceLabel = text.Terms[0];
            parts.Add(new("text", string.Join(' ', text.Terms)));
            because.Add($"you asked for \"{string.Join(' ', text.Terms)}\"");
        }

        // Custom contexts: playlists whose keywords the query names, and tracks whose tags it names.
        var words = PlaylistContext.SplitWords(request.Text);
        float[]? trackBonus = null;
        if (words.Count > 0)
        {
            var matched = new List<string>();
            string? keyword = null;
            for (var p = 0; p < view.Names.Length; p++)
            {
                if (view.Contexts[p].Kind == ContextKind.Custom && view.Contexts[p].Keywords.FirstOrDefault(words.Contains) is { } hit)
                {
                    playlistBonus[p] += PlaylistWeight;
                    matched.Add(view.Names[p]);
                    keyword ??= hit;
                }
            }
            if (matched.Count > 0)
            {
                bonusTotal += PlaylistWeight;
                parts.Add(new("customContext", string.Join(",", matched)));
                if (source is null)
                {
                    source = RecommendationSource.Text;
                    sourceLabel = keyword;
                    because.Add($"you asked for \"{keyword}\" ({string.Join(", ", matched)})");
                }
            }
            var tagged = words.Where(view.TracksByTagWord.ContainsKey).ToList();
            if (tagged.Count > 0)
            {
                trackBonus = new float[index.Tracks.Length];
                foreach (var word in tagged)
                {
                    foreach (var i in view.TracksByTagWord[word])
                    {
                        trackBonus[i] = (float)TagWeight;
                    }
                }
                bonusTotal += TagWeight;
                parts.Add(new("tags", string.Join(",", tagged)));
                if (source is null)
                {
                    source = RecommendationSource.Text;
                    sourceLabel = tagged[0];
                    because.Add($"you asked for \"{tagged[0]}\" (tagged tracks)");
                }
            }
            if (text.IsEmpty && matched.Count == 0 && tagged.Count == 0)
            {
                parts.Add(new("textIgnored", "no-known-words"));
            }
        }

        if (context.LastEmotion is { } emotion)
        {
            var age = now - emotion.At;
            age = age < TimeSpan.Zero ? TimeSpan.Zero : age;
            var label = PlaylistNames.Normalize(emotion.Label);
            if (age <= opts.EmotionWindow && MoodSpace.ForEmotion(label) is { } mood)
            {
                var w = Math.Clamp(emotion.Confidence, 0.5, 1.0);
                vSum += w * mood.Valence;
                aSum += w * mood.Arousal;
                wSum += w;
                var serving = view.PlaylistsFor(ContextKind.Emotion, label, daypart);
                foreach (var p in serving)
                {
                    playlistBonus[p] += PlaylistWeight;
                }
                if (serving.Count > 0)
                {
                    bonusTotal += PlaylistWeight;
                    emotionPlaylistName = view.Names[serving[0]];
                }
                source ??= RecommendationSource.Emotion;
                sourceLabel ??= label;
                parts.Add(new("emotion", label));
                parts.Add(new("emotionAgeSeconds", age.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)));
                because.Add($"you looked {label} {age.TotalSeconds:0.#} s ago");
            }
            else
            {
                parts.Add(new("emotionIgnored", age > opts.EmotionWindow ? "stale" : $"unknown:{label}"));
            }
        }

        var cadence = request.CadenceSpm ?? context.LastActivity?.CadenceSpm;
        if (context.LastActivity is { } activity)
        {
            var name = PlaylistNames.Normalize(activity.Activity);
            parts.Add(new("activity", name));
            var serving = view.PlaylistsFor(ContextKind.Activity, name, daypart);
            foreach (var p in serving)
            {
                playlistBonus[p] += PlaylistWeight;
            }
            if (serving.Count > 0)
            {
                bonusTotal += PlaylistWeight;
            }
            if (MoodSpace.ForActivity(name) is { } target)
            {
                vSum += target.Mood.Valence;
                aSum += target.Mood.Arousal;
                wSum += 1;
                if (targetBpm is null)
                {
                    targetBpm = target.Bpm;
                    bpmWeight = 0.6;
                }
            }
            source ??= RecommendationSource.Activity;
            sourceLabel ??= name;
            because.Add($"your last activity was {name}");
        }
        if (cadence is > 20 and < 260)
        {
            // A measured cadence beats every typical tempo: music locked to the step rate is the point.
            targetBpm = cadence.Value;
            bpmWeight = 1.5;
            parts.Add(new("cadenceSpm", cadence.Value.ToString("0.#", CultureInfo.InvariantCulture)));
            because.Add($"you move at {cadence.Value:0} steps per minute");
        }

        const double dayWeight = 0.3;
        vSum += dayWeight * dayMood.Valence;
        aSum += dayWeight * dayMood.Arousal;
        wSum += dayWeight;
        parts.Add(new("daypart", daypart));
        because.Add($"it is {daypart}");
        if (view.HasSchedules)
        {
            var scheduled = new List<string>();
            for (var p = 0; p < view.Names.Length; p++)
            {
                if (view.IsScheduledNow(p, daypart))
                {
                    playlistBonus[p] += ScheduleWeight;
                    scheduled.Add(view.Names[p]);
                }
                else if (view.IsScheduledElsewhere(p, daypart))
                {
                    playlistBonus[p] -= ScheduleWeight;
                }
            }
            bonusTotal += ScheduleWeight;
            if (scheduled.Count > 0)
            {
                parts.Add(new("scheduled", string.Join(",", scheduled)));
                because.Add($"{string.Join(", ", scheduled)} {(scheduled.Count == 1 ? "is" : "are")} scheduled for the {daypart}");
            }
        }
        source ??= RecommendationSource.Time;
        sourceLabel ??= daypart;

        var targetV = vSum / wSum;
        var targetA = aSum / wSum;
        parts.Add(new("targetValence", targetV.ToString("0.00", CultureInfo.InvariantCulture)));
        parts.Add(new("targetArousal", targetA.ToString("0.00", CultureInfo.InvariantCulture)));
        if (targetBpm is { } bpmTarget)
        {
            parts.Add(new("targetBpm", bpmTarget.ToString("0.#", CultureInfo.InvariantCulture)));
        }

        var contextKey = $"{Wire(source.Value)}:{sourceLabel}";
        parts.Add(new("contextKey", contextKey));
        bool[]? excluded = view.BannedCount > 0 ? view.Banned : null;
        if (view.PinnedId >= 0)
        {
            // The pin overrides every signal's choice of playlist; the signals still order its tracks.
            var pinned = view.Names[view.PinnedId];
            excluded = new bool[index.Tracks.Length];
            for (var i = 0; i < excluded.Length; i++)
            {
                excluded[i] = view.Banned[i] || index.PlaylistId[i] != view.PinnedId;
            }
            source = RecommendationSource.Pinned;
            parts.Add(new("pinned", pinned));
            because.Insert(0, $"an admin pinned {pinned} (everything comes from it until it is unpinned)");
        }
        if (view.BannedCount > 0)
        {
            parts.Add(new("bannedTracks", view.BannedCount.ToString(CultureInfo.InvariantCulture)));
        }

        // Content scores for every track, keeping the best K in a small heap.
        var k = Math.Min(index.Tracks.Length, Math.Max(opts.CandidatePool, opts.QueueLength));
        var heapScore = new double[k];
        var heapIdx = new int[k];
        var count = SelectTop(index, targetV, targetA, targetBpm, bpmWeight, playlistBonus, bonusTotal, trackBonus, excluded, RecentIndices(index, recent), heapScore, heapIdx);

        // Best first.
        Array.Sort(heapScore, heapIdx, 0, count);
        Array.Reverse(heapScore, 0, count);
        Array.Reverse(heapIdx, 0, count);

        var keep = count;
        if (count > 0)
        {
            keep = 0;
            while (keep < count && (keep < opts.QueueLength || heapScore[keep] >= heapScore[0] - RelevanceMargin))
            {
                keep++;
            }
        }

        // A seeded run must repeat across processes: HashCode.Combine is salted per process, so the seed and the
        // request number are mixed by plain arithmetic instead.
        var random = opts.RandomSeed is { } seed ? new Random(unchecked((int)((seed * 486_187_739L) + Interlocked.Increment(ref _requests)))) : Random.Shared;
        var finalScore = new double[keep];
        var counts = new FeedbackCounts[keep];
        var fw = Math.Clamp(opts.FeedbackWeight, 0, 1);
        for (var i = 0; i < keep; i++)
        {
            var track = index.Tracks[heapIdx[i]];
            counts[i] = _feedback.GetCounts(request.UserId, contextKey, track.Id);
            var sample = BetaSampler.Sample(random, counts[i].Alpha, counts[i].Beta);
            // The sample counts in proportion to the evidence behind it: with no like or skip yet it is a uniform
            // draw, and at full weight that noise outweighed the content fit (a tagged or on-mood track could land
            // anywhere in the queue). Unrated tracks keep their content order; each like or skip lets feedback
            // reorder more, up to FeedbackWeight.
            var evidence = counts[i].Likes + counts[i].Skips;
            var weight = fw * evidence / (evidence + EvidenceForHalfFeedbackWeight);
            finalScore[i] = (1 - weight) * heapScore[i] + weight * sample;
        }
        var order = Enumerable.Range(0, keep).ToArray();
        Array.Sort(finalScore, order);
        Array.Reverse(order);

        var tracks = new List<RecommendedTrack>(Math.Min(keep, opts.QueueLength));
        for (var r = 0; r < order.Length && tracks.Count < opts.QueueLength; r++)
        {
            var i = order[r];
            var ti = heapIdx[i];
            tracks.Add(ToResult(index.Tracks[ti], heapScore[i], WhyTrack(index, ti, targetV, targetA, targetBpm, counts[i])));
        }

        var summary = $"Because {string.Join(", ", because)}, these tracks aim at {MoodWords(targetV, targetA)} music " +
            $"(valence {targetV:0.00}, arousal {targetA:0.00})" +
            (targetBpm is { } tb2 ? $" near {tb2:0} BPM (half or double time also fits)" : "") +
            (fw > 0 ? ", ordered by what you liked and skipped here before." : ".");
        var shownPlaylist = source switch
        {
            RecommendationSource.Pinned => view.Names[view.PinnedId],
            RecommendationSource.Emotion => emotionPlaylistName,
            _ => null,
        };
        return new Recommendation(source.Value, RecommendationMode.Context,
            Describe(context, now, request, daypart, shownPlaylist, contextKey),
            new RecommendationReason(parts, summary), tracks);
    }

    /// <summary>The hot loop: no allocation, no LINQ; returns how many heap slots are filled.</summary>
    private static int SelectTop(TrackIndex index, double targetV, double targetA, double? targetBpm, double bpmWeight,
        double[] playlistBonus, double bonusTotal, float[]? trackBonus, bool[]? excluded, int[] recentIdx, double[] heapScore, int[] heapIdx)
    {
        var n = index.Tracks.Length;
        var k = heapScore.Length;
        var count = 0;
        var hasBpm = targetBpm is > 0;
        var logTarget = hasBpm ? Math.Log(targetBpm!.Value) : 0;
        const double moodWeight = 1.0;
        var total = moodWeight + (hasBpm ? bpmWeight : 0) + bonusTotal;
        var valence = index.Valence;
        var arousal = index.Arousal;
        var logBpm = index.LogBpm;
        var bpm = index.Bpm;
        var playlist = index.PlaylistId;
        for (var i = 0; i < n; i++)
        {
            if (excluded is not null && excluded[i])
            {
                continue;
            }
            double dv = valence[i] - targetV, da = arousal[i] - targetA;
            var s = moodWeight * (1 - Math.Sqrt(dv * dv + da * da) / Math.Sqrt(2));
            if (hasBpm)
            {
                s += bpmWeight * (bpm[i] > 0 ? TempoFit(logBpm[i] - logTarget) : UnknownTempoFit);
            }
            s += playlistBonus[playlist[i]];
            if (trackBonus is not null)
            {
                s += trackBonus[i];
            }
            s /= total;
            for (var r = 0; r < recentIdx.Length; r++)
            {
                if (recentIdx[r] == i)
                {
                    // Played recently: sink below every fresh track, but stay available for tiny libraries.
                    s -= 2;
                    break;
                }
            }
            if (count < k)
            {
                heapScore[count] = s;
                heapIdx[count] = i;
                SiftUp(heapScore, heapIdx, count++);
            }
            else if (s > heapScore[0])
            {
                heapScore[0] = s;
                heapIdx[0] = i;
                SiftDown(heapScore, heapIdx, count);
            }
        }
        return count;
    }

    /// <summary>Tempo fit for a log-ratio of track tempo to target: 1 at the tempo, 0.85 at half or double time.</summary>
    internal static double TempoFit(double logRatio)
    {
        var best = Gauss(logRatio);
        best = Math.Max(best, OctaveFit * Gauss(logRatio + Ln2));
        return Math.Max(best, OctaveFit * Gauss(logRatio - Ln2));

        static double Gauss(double r) => Math.Exp(-r * r / (2 * TempoSigma * TempoSigma));
    }

    // Min-heap on score, so the root is the weakest of the kept candidates.
    private static void SiftUp(double[] s, int[] idx, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (s[parent] <= s[i])
            {
                return;
            }
            (s[parent], s[i]) = (s[i], s[parent]);
            (idx[parent], idx[i]) = (idx[i], idx[parent]);
            i = parent;
        }
    }

    private static void SiftDown(double[] s, int[] idx, int count)
    {
        var i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < count && s[l] < s[m]) { m = l; }
            if (r < count && s[r] < s[m]) { m = r; }
            if (m == i)
            {
                return;
            }
            (s[m], s[i]) = (s[i], s[m]);
            (idx[m], idx[i]) = (idx[i], idx[m]);
            i = m;
        }
    }

    private static int[] RecentIndices(TrackIndex index, IReadOnlyList<string> recent)
    {
        var result = new int[recent.Count];
        var n = 0;
        foreach (var id in recent)
        {
            if (index.IndexById.TryGetValue(id, out var i))
            {
                result[n++] = i;
            }
        }
        return n == result.Length ? result : result[..n];
    }

    private static string WhyTrack(TrackIndex index, int i, double targetV, double targetA, double? targetBpm, FeedbackCounts counts)
    {
        var t = index.Tracks[i];
        double dv = index.Valence[i] - targetV, da = index.Arousal[i] - targetA;
        var fit = 1 - Math.Sqrt(dv * dv + da * da) / Math.Sqrt(2);
        var why = $"Mood fit {fit:P0} ({MoodWords(index.Valence[i], index.Arousal[i])}, from {t.Playlist})";
        if (targetBpm is { } target && index.Bpm[i] > 0)
        {
            var b = index.Bpm[i];
            var ratio = b / target;
            var rel = ratio > 1.4 ? " (half time of it)" : ratio < 0.7 ? " (double time fits it)" : "";
            why += $"; {b:0} BPM for a target of {target:0}{rel}";
        }
        if (counts.Likes > 0 || counts.Skips > 0)
        {
            why += $"; you liked it {counts.Likes:0.#}× and skipped it {counts.Skips:0.#}× here";
        }
        return why + ".";
    }

    private static string MoodWords(double v, double a)
    {
        var energy = a >= 0.65 ? "energetic" : a <= 0.35 ? "calm" : "moderate";
        var tone = v >= 0.62 ? "bright" : v <= 0.38 ? "dark" : "even";
        return $"{energy}, {tone}";
    }

    private RecommendedTrack ToResult(Track t, double score, string why) =>
        new(t.Id, t.Title, t.Artist, t.DurationSeconds, t.Features.Bpm is { } b ? Math.Round(b, 1) : null,
            t.PlaybackUrl ?? _options.TrackUrlPrefix + t.Id, t.Playlist, Math.Round(score, 4), why)
        {
            GainDb = t.Features.PlaybackGainDb(_options.TargetLoudnessLufs),
            Source = t.Source,
        };

    /// <summary>
    /// Baseline mode in a library with no playlist for the rule's choice (no curated folders): the tracks whose
    /// measured mood and tempo lie nearest the region of the emotion or activity the original rule would have
    /// followed, so any library plays something fitting.
    /// </summary>
    private Recommendation? FeatureRegion(CurationView view, ListeningContext context, RecommendationRequest request, DateTimeOffset now,
        IReadOnlyList<string> recent, string daypart)
    {
        var decision = BaselineRule.Decide(context, now, _options.Recommender.EmotionWindow, _ => true);
        var label = decision.Source switch
        {
            RecommendationSource.Emotion => PlaylistNames.Normalize(context.LastEmotion!.Label),
            RecommendationSource.Activity => PlaylistNames.Normalize(context.LastActivity!.Activity),
            _ => "neutral",
        };
        if (MoodSpace.RegionFor(decision.Source, label) is not { } region || view.Index.Tracks.Length == 0)
        {
            return null;
        }
        var index = view.Index;
        var k = Math.Min(index.Tracks.Length, _options.Recommender.QueueLength);
        var heapScore = new double[k];
        var heapIdx = new int[k];
        var count = SelectTop(index, region.Mood.Valence, region.Mood.Arousal, region.Bpm, region.Bpm is null ? 0 : 0.6,
            new double[view.Names.Length], 0, null, view.BannedCount > 0 ? view.Banned : null, RecentIndices(index, recent), heapScore, heapIdx);
        Array.Sort(heapScore, heapIdx, 0, count);
        Array.Reverse(heapScore, 0, count);
        Array.Reverse(heapIdx, 0, count);
        var tempo = region.Bpm is { } rb ? $" near {rb:0} BPM" : "";
        var what = decision.Source switch
        {
            RecommendationSource.Emotion => $"you look {label}",
            RecommendationSource.Activity => $"you were {label}",
            _ => "nothing about you is known yet",
        };
        var parts = new List<ReasonPart>
        {
            new("mode", "baseline"), new("rule", "feature-region"), new(decision.Source == RecommendationSource.Default ? "default" : Wire(decision.Source), label),
            new("targetValence", region.Mood.Valence.ToString("0.00", CultureInfo.InvariantCulture)),
            new("targetArousal", region.Mood.Arousal.ToString("0.00", CultureInfo.InvariantCulture)),
        };
        if (region.Bpm is { } bpm)
        {
            parts.Add(new("targetBpm", bpm.ToString("0.#", CultureInfo.InvariantCulture)));
        }
        var summary = $"No playlist is curated for this, and {what}, so these are the tracks whose sound is closest to {MoodWords(region.Mood.Valence, region.Mood.Arousal)} music{tempo}.";
        var tracks = new List<RecommendedTrack>(count);
        for (var i = 0; i < count; i++)
        {
            tracks.Add(ToResult(index.Tracks[heapIdx[i]], heapScore[i], WhyTrack(index, heapIdx[i], region.Mood.Valence, region.Mood.Arousal, region.Bpm, default)));
        }
        return new Recommendation(decision.Source, RecommendationMode.Baseline,
            Describe(context, now, request, daypart, null, $"{Wire(decision.Source)}:{label}"),
            new RecommendationReason(parts, summary), tracks);
    }

    private static RecommendationContext Describe(ListeningContext context, DateTimeOffset now, RecommendationRequest request, string daypart, string? playlist, string contextKey)
    {
        var e = context.LastEmotion;
        var age = e is null ? (double?)null : Math.Max(0, (now - e.At).TotalSeconds);
        return new RecommendationContext(now, e is null ? null : PlaylistNames.Normalize(e.Label), e?.Confidence, age,
            context.LastActivity is { } a ? PlaylistNames.Normalize(a.Activity) : null,
            request.CadenceSpm ?? context.LastActivity?.CadenceSpm, daypart, request.Text, playlist, contextKey);
    }

    private int LocalHour(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _time.LocalTimeZone).Hour;

    /// <summary>The API's lower-case name of a source.</summary>
    public static string Wire(RecommendationSource source) => source switch
    {
        RecommendationSource.Emotion => "emotion",
        RecommendationSource.Activity => "activity",
        RecommendationSource.Text => "text",
        RecommendationSource.Time => "time",
        RecommendationSource.Pinned => "pinned",
        _ => "default",
    };
}
