namespace DemoUpstream.Jobs;

/// <summary>Why a <c>POST /jobs</c> body was refused: the field at fault and a sentence naming it.</summary>
internal readonly record struct JobRequestError(string Field, string Detail);
