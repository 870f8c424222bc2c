export declare function importGraph(src: string): Map<string, string[]>;
export declare function findCycle(graph: Map<string, string[]>): string[] | null;
export declare function reachable(graph: Map<string, string[]>, from: string): Set<string>;
