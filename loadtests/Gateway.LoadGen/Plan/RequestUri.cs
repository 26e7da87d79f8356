namespace Gateway.LoadGen;

/// <summary>One target URL, used as a base for the plan's per-arrival path and query.</summary>
internal sealed class RequestUri
{
    private readonly Uri _url;
    private readonly string _left;
    private readonly string _directory;
    private readonly string _query;

    public RequestUri(Uri url)
    {
        _url = url;
        _left = url.GetLeftPart(UriPartial.Path);
        _directory = _left.EndsWith('/') ? _left : _left + "/";
        _query = url.Query.TrimStart('?');
    }

    /// <summary>
    /// The URL for one arrival: a path is appended to the URL's path (so the URL acts as a directory), a value
    /// starting with '?' only adds to the query; the URL's own query parameters are kept, after the arrival's.
    /// </summary>
    public Uri For(string? pathAndQuery)
    {
        if (string.IsNullOrEmpty(pathAndQuery))
        {
            return _url;
        }

        if (pathAndQuery[0] == '?')
        {
            return new Uri(_left + "?" + Join(pathAndQuery[1..], _query), UriKind.Absolute);
        }

        var question = pathAndQuery.IndexOf('?');
        var path = (question < 0 ? pathAndQuery : pathAndQuery[..question]).TrimStart('/');
        var query = Join(question < 0 ? "" : pathAndQuery[(question + 1)..], _query);
        return new Uri(_directory + path + (query.Length > 0 ? "?" + query : ""), UriKind.Absolute);
    }

    private static string Join(string first, string second) =>
        first.Length == 0 ? second : second.Length == 0 ? first : first + "&" + second;
}
