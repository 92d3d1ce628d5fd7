/** A locale's messages: exactly the keys of the zh-CN messages (the schema), any texts. */
export type SameShape<T> = { [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> }
